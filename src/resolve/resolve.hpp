// resolve: takes a Document and one reader's variables, returns the Document with every {{var}} filled in.
#pragma once

#include "content/document.hpp"
#include "core/diagnostic.hpp"

#include <functional>
#include <map>
#include <string>

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
Result<Document> resolve(const Document& doc, const Vars& vars);

/// Fills `{{name}}` in a template from lookup; names lookup does not know are left as written
/// and reported through `unknown` when given.
std::string fill_template(std::string_view tmpl, const std::function<const std::string*(std::string_view)>& lookup,
                          std::vector<std::string>* unknown = nullptr);

}  // namespace handout
