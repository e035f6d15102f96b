// deliver: a finished PDF made into a password-protected one — AES-256 (PDF 2.0 security
// handler, R6) written by qpdf's library. The password opens the file; printing and text
// extraction for accessibility are allowed, changes of any kind are not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handout {

/// `pdf` encrypted with `password` as the user (open) password. The owner password is 32 random
/// bytes that nobody keeps: no one can lift the restrictions, and the clinic keeps an
/// unprotected copy instead (--keep-unprotected). The error (nullopt on success) never holds
/// the password.
std::optional<std::string> protect_pdf(std::string_view pdf, const std::string& password, std::string& out);

/// Why `password` cannot protect a patient's file, or nullopt: empty, shorter than 6
/// characters, or holding a control character. Names no value.
std::optional<std::string> password_fault(std::string_view password);

}  // namespace handout
