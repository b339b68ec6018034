#pragma once
// The JSON type of the data model. ordered_json keeps keys in file order, so an
// example the app re-serializes still reads the way its author wrote it.
#include <nlohmann/json.hpp>

namespace tunesmith::data {
using Json = nlohmann::ordered_json;
}
