#pragma once
// A subset of JSON Schema for the json scorer: type (a name or a list; "integer" is a
// number without fraction), enum, const, properties, required, additionalProperties
// (boolean or a schema), items (one schema), minItems/maxItems, minLength/maxLength
// (in bytes), minimum/maximum. Other keywords are refused when the schema is checked,
// so a schema never silently means less than it says.
#include <string>

#include "core/data/json.h"

namespace tunesmith::eval {

// Throws std::invalid_argument naming the JSON pointer of an unsupported or malformed
// keyword.
void check_schema(const data::Json& schema);

// "" when `value` conforms; otherwise the first violation: "/items/2: expected string".
std::string schema_violation(const data::Json& value, const data::Json& schema);

}  // namespace tunesmith::eval
