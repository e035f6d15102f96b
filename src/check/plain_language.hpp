// check: plain language beyond grade level, the parts of the AHRQ Patient Education Materials
// Assessment Tool (PEMAT) and the CDC Clear Communication Index a machine can decide — takes a
// document's text blocks, returns warnings: a medical term not explained where it is first used,
// too many sentences in the passive voice, numbers written as words, sentences that run long.
#pragma once

#include "check/kind.hpp"
#include "check/text_block.hpp"
#include "core/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace handout {

struct PlainLanguageInput {
    const std::vector<TextBlock>* blocks = nullptr;  ///< the document's blocks in reading order
    SourcePtr file;                                   ///< the content file the blocks map into
    std::string lang;                                 ///< the document's language tag (en, es-MX …)
    PlainLanguageSettings settings;
    const TermList* terms = nullptr;                  ///< null or empty: no term is checked
    std::string rules;                                ///< the rule file named in hints (kinds/handout.toml)
};

/// Warnings, in the order of the checks: terms, passive voice, numerals, long sentences. Only
/// prose blocks are read (as for readability); headings only for "What is X?".
Diagnostics check_plain_language(const PlainLanguageInput& in);

/// Whether a heading names a glossary, whose terms count as explained wherever they are used:
/// Glossary, Words to know, Key words, Key terms, Terms to know; Glosario, Palabras que debe
/// saber (or conocer), Palabras clave, Vocabulario — in any case, with or without a colon.
bool is_glossary_heading(std::string_view title);

/// Whether a sentence is in the passive voice: English a form of "be" or "get", then perhaps
/// adverbs, then a past participle (-ed, or an irregular one such as given, known, done), not
/// an adjective of feeling or state (tired, worried, confused); Spanish a form of "ser", then a
/// participle (-ado, -ido, or hecho, dicho, puesto …). Other languages: never.
bool is_passive(std::string_view sentence, std::string_view lang);

}  // namespace handout
