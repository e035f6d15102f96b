#include "deliver/protect.hpp"

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include <sys/random.h>

#include <cerrno>
#include <exception>

namespace handout {

namespace {

/// 32 random bytes as 64 hex digits: an owner password nobody knows. Empty when the system
/// gives no random bytes.
std::string random_owner_password() {
    unsigned char bytes[32];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            return {};
        }
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

}  // namespace

std::optional<std::string> password_fault(std::string_view password) {
    if (password.empty()) {
        return std::string("the password is empty: anyone could open the file");
    }
    std::size_t characters = 0;
    for (unsigned char c : password) {
        if (c < 0x20 || c == 0x7f) {
            return std::string("the password holds a control character");
        }
        characters += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    if (characters < 6) {
        return std::string("the password has fewer than 6 characters: too easy to guess");
    }
    return std::nullopt;
}

std::optional<std::string> protect_pdf(std::string_view pdf, const std::string& password, std::string& out) {
    try {
        QPDF in;
        in.setSuppressWarnings(true);
        in.processMemoryFile("the PDF", pdf.data(), pdf.size());
        QPDFWriter writer(in);
        writer.setOutputMemory();
        // Streams are deflated already; object streams keep the structure tree compact.
        writer.setCompressStreams(true);
        writer.setDecodeLevel(qpdf_dl_none);
        writer.setObjectStreamMode(qpdf_o_generate);
        const std::string owner = random_owner_password();
        if (owner.empty()) {
            return std::string("the PDF could not be protected: the system gave no random bytes (getrandom)");
        }
        writer.setR6EncryptionParameters(password.c_str(), owner.c_str(),
                                         /*allow_accessibility=*/true, /*allow_extract=*/false,
                                         /*allow_assemble=*/false, /*allow_annotate_and_form=*/false,
                                         /*allow_form_filling=*/false, /*allow_modify_other=*/false, qpdf_r3p_full,
                                         /*encrypt_metadata_aes=*/true);
        writer.write();
        auto buffer = writer.getBufferSharedPointer();
        out.assign(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
        return std::nullopt;
    } catch (const std::exception& e) {
        // qpdf's messages name the input ("the PDF") and what it found, never the password.
        return std::string("the PDF could not be protected: ") + e.what();
    }
}

}  // namespace handout
