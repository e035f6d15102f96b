// check: takes a kind (or topic) file from kinds/, returns what documents of that kind must have.
#pragma once

#include "core/diagnostic.hpp"

#include <map>
#include <string>
#include <vector>

namespace handout {

struct ReadabilityLimits {
    double warn_grade = 8;      ///< Flesch–Kincaid grade above which English text warns
    double max_grade = 10;      ///< … and above which it is an error
    double min_ease_warn = 70;  ///< Fernández-Huerta ease below which Spanish text warns
    double min_ease = 55;       ///< … and below which it is an error
};

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
};

Result<Kind> parse_kind(SourcePtr file, std::string name);

}  // namespace handout
