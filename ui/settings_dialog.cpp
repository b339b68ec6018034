#include "ui/settings_dialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "core/cloud/api_key.h"
#include "core/cloud/openai_client.h"

namespace tunesmith::ui {

QString settings_base_url() {
  return QSettings().value(QLatin1String(kSettingBaseUrl), QString::fromLatin1(cloud::kDefaultBaseUrl)).toString();
}

QString settings_default_device() {
  return QSettings().value(QLatin1String(kSettingDevice), QStringLiteral("auto")).toString();
}

int settings_torch_threads() { return QSettings().value(QLatin1String(kSettingThreads), 0).toInt(); }

SettingsDialog::SettingsDialog(QWidget* parent, KeyStore store) : QDialog(parent), store_(std::move(store)) {
  setWindowTitle(tr("Settings"));
  setObjectName(QStringLiteral("settingsDialog"));
  if (!store_) {
    // The default: the OS keychain, asynchronously; a failure is shown to the user.
    QPointer<QWidget> owner = parent;
    store_ = [owner](const QString& key) {
      QObject* context = owner ? static_cast<QObject*>(owner.data()) : static_cast<QObject*>(qApp);
      cloud::write_keychain_key(context, key, [owner](bool ok, const QString& error) {
        if (!ok && owner)
          QMessageBox::warning(owner, tr("Settings"), tr("The API key was not stored in the keychain:\n%1").arg(error));
      });
    };
  }
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  baseUrl_ = new QLineEdit(settings_base_url());
  baseUrl_->setObjectName(QStringLiteral("baseUrlField"));
  apiKey_ = new QLineEdit;
  apiKey_->setObjectName(QStringLiteral("apiKeyField"));
  apiKey_->setEchoMode(QLineEdit::Password);
  apiKey_->setPlaceholderText(tr("Leave empty to keep the stored key"));
  forgetKey_ = new QCheckBox(tr("Remove the stored key from the keychain"));
  forgetKey_->setObjectName(QStringLiteral("forgetKeyBox"));
  auto* keyNote = new QLabel;
  keyNote->setWordWrap(true);
  keyNote->setText(!cloud::api_key_from_environment().key.isEmpty()
                       ? tr("OPENAI_API_KEY is set in the environment and takes precedence.")
                   : cloud::keychain_available()
                       ? tr("The key is kept in the system keychain, never in the project or the settings file.")
                       : tr("This build has no keychain support: set OPENAI_API_KEY instead."));
  apiKey_->setEnabled(cloud::keychain_available());
  forgetKey_->setEnabled(cloud::keychain_available());
  device_ = new QComboBox;
  device_->setObjectName(QStringLiteral("deviceBox"));
  device_->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
  device_->setCurrentIndex(std::max(0, device_->findData(settings_default_device())));
  threads_ = new QSpinBox;
  threads_->setObjectName(QStringLiteral("threadsBox"));
  threads_->setRange(0, std::max(1, QThread::idealThreadCount()));
  threads_->setSpecialValueText(tr("Automatic (leaves the interface one core)"));
  threads_->setValue(settings_torch_threads());
  form->addRow(tr("OpenAI base URL:"), baseUrl_);
  form->addRow(tr("OpenAI API key:"), apiKey_);
  form->addRow(QString(), forgetKey_);
  form->addRow(QString(), keyNote);
  form->addRow(tr("Default training device:"), device_);
  form->addRow(tr("Torch threads:"), threads_);
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  setMinimumWidth(520);
}

void SettingsDialog::accept() {
  QSettings settings;
  const QString url = baseUrl_->text().trimmed();
  if (url.isEmpty() || url == QLatin1String(cloud::kDefaultBaseUrl)) {
    settings.remove(QLatin1String(kSettingBaseUrl));
  } else {
    settings.setValue(QLatin1String(kSettingBaseUrl), url);
  }
  settings.setValue(QLatin1String(kSettingDevice), device_->currentData().toString());
  settings.setValue(QLatin1String(kSettingThreads), threads_->value());
  // The key only when one was typed (or removal asked for): the keychain is not
  // touched otherwise.
  const QString key = apiKey_->text().trimmed();
  if (!key.isEmpty()) {
    store_(key);
  } else if (forgetKey_->isChecked()) {
    store_(QString());
  }
  apiKey_->clear();
  QDialog::accept();
}

}  // namespace tunesmith::ui
