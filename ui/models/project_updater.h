#pragma once
// How a training-side widget changes the project (adds a model folder, registers a run)
// without owning it: it hands a change to whoever does. In the app that is
// MainWindow::updateProject (which saves tunesmith.json and refreshes the sidebar);
// standalone and in tests, save_in_place changes a Project and saves it atomically.
#include <QCoreApplication>
#include <QString>

#include <exception>
#include <functional>

#include "core/project/project.h"

namespace tunesmith::ui {

using ProjectChange = std::function<void(project::Project&)>;
// Applies `change` and saves; false (with `error`) when the save failed.
using ProjectUpdater = std::function<bool(const ProjectChange& change, QString* error)>;

inline ProjectUpdater save_in_place(project::Project* project) {
  return [project](const ProjectChange& change, QString* error) {
    project::Project changed = *project;
    change(changed);
    try {
      project::save_project(changed);
    } catch (const std::exception& e) {
      if (error) *error = QString::fromUtf8(e.what());
      return false;
    }
    *project = std::move(changed);
    return true;
  };
}

}  // namespace tunesmith::ui
