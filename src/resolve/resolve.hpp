// resolve: takes a Document and one reader's variables, returns the Document with every {{var}} filled in.
#pragma once

#include "content/document.hpp"
#include "core/diagnostic.hpp"
#include "core/limits.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace handout {

/// Dotted name → literal value (`patient.name` → `Ana Ruiz`). Values are never parsed as markup.
using Vars = std::map<std::string, std::string>;

/// Flattens a JSON object file ({"patient": {"name": …}}) into dotted names. Errors never quote
/// the file's lines: they hold patient values.
Result<Vars> vars_from_json(SourcePtr file);

/// Flattens one JSON object text into dotted names. Numbers keep their digits exactly as
/// written (an account number longer than a double is not rounded); true/false/null become
/// "true"/"false"/"". Returns the byte offset of the first error, or nullopt when it parsed.
std::optional<std::size_t> flatten_json(std::string_view text, Vars& out, std::string* what = nullptr);

/// Replaces variable spans by their literal values; an unknown variable is an error at its position.
/// A value that is not valid UTF-8 or holds NUL or a control character other than tab, LF and CR
/// is an error at the variable, naming it and never its value. A value with bidirectional
/// controls or right-to-left letters is set as an isolate (isolate_bidi), so it cannot reorder
/// the text around it. A value longer than `max_value_bytes` is an error the same way.
Result<Document> resolve(const Document& doc, const Vars& vars, std::size_t max_value_bytes = Limits{}.value_bytes);

/// Why `value` cannot be used as the variable `name` (longer than `max_bytes`, invalid UTF-8,
/// NUL, a control character), as a message naming the variable and never the value; nullopt
/// when it can.
std::optional<std::string> value_fault(const std::string& name, std::string_view value,
                                       std::size_t max_bytes = Limits{}.value_bytes);

/// `value` as a bidirectional isolate when it needs one (it holds a bidi control or a
/// right-to-left letter), else unchanged: each line of it wrapped in U+2068 FIRST STRONG
/// ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, with its own isolates balanced (a stray PDI dropped,
/// an open LRI/RLI/FSI closed) so the closing PDI is the one that matches. Embeddings and
/// overrides inside end at that PDI (UAX #9, X6a). Expects valid UTF-8.
std::string isolate_bidi(std::string_view value);

/// Fills `{{name}}` in a template from lookup; names lookup does not know are left as written
/// and reported through `unknown` when given.
std::string fill_template(std::string_view tmpl, const std::function<const std::string*(std::string_view)>& lookup,
                          std::vector<std::string>* unknown = nullptr);

}  // namespace handout
