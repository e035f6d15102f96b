// check: takes a kind (or topic) file from kinds/, returns what documents of that kind must have;
// and a term list from kinds/terms/, the medical words a sheet must explain where it first uses them.
#pragma once

#include "core/diagnostic.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace handout {

struct ReadabilityLimits {
    double warn_grade = 8;      ///< Flesch–Kincaid grade above which English text warns
    double max_grade = 10;      ///< … and above which it is an error
    double min_ease_warn = 70;  ///< Fernández-Huerta ease below which Spanish text warns
    double min_ease = 55;       ///< … and below which it is an error
};

/// `[plain_language]`: the checks beyond grade level. Each is on (as a warning) unless a file
/// turns it off; a value left out here is taken from the kind, then from the defaults.
struct PlainLanguageRules {
    std::optional<bool> undefined_terms;      ///< medical terms explained where first used
    std::optional<bool> passive_voice;        ///< the share of passive sentences
    std::optional<bool> numerals;             ///< numbers written as words ("five")
    std::optional<bool> long_sentences;       ///< sentences over max_sentence_words
    std::optional<int> max_sentence_words;    ///< default 25
    std::optional<double> max_passive_percent;///< default 10 (% of the document's sentences)
};

/// The plain-language settings a document is held to, defaults filled in.
struct PlainLanguageSettings {
    bool undefined_terms = true;
    bool passive_voice = true;
    bool numerals = true;
    bool long_sentences = true;
    int max_sentence_words = 25;
    double max_passive_percent = 10;
};

/// The kind's rules, then the topic's where it gives them (a topic is the more specific).
PlainLanguageSettings plain_language_settings(const PlainLanguageRules* kind, const PlainLanguageRules* topic);

/// One medical term and its other forms (plurals, the spelled-out name of an abbreviation).
struct Term {
    std::vector<std::string> forms;  ///< as written in the list; the first names the term in messages
    std::size_t offset = 0;          ///< of its line in the term list
};

struct TermList {
    SourcePtr source;                ///< kinds/terms/LANG.txt; null when there is none
    std::vector<Term> terms;
};

/// Parses a term list: one term a line, its other forms after `|`, `#` to the end of a line a
/// comment, blank lines skipped. A form in capitals (CRPS) matches only in capitals.
Result<TermList> parse_terms(SourcePtr file);

struct Kind {
    SourcePtr source;
    std::string name;
    std::string description;
    std::vector<std::string> required_sections;
    bool restrict_variables = false;          ///< `variables` was given
    std::vector<std::string> variables;
    ReadabilityLimits readability;
    /// Section id → terms it must mention; each term a list of acceptable wordings.
    std::map<std::string, std::vector<std::vector<std::string>>> mentions;
    PlainLanguageRules plain_language;
    /// The terms a sheet of the document's language must explain; set by whoever reads the
    /// kind for a document (the pipeline reads kinds/terms/LANG.txt), empty otherwise.
    TermList terms;
};

Result<Kind> parse_kind(SourcePtr file, std::string name);

}  // namespace handout
