#pragma once
// gzip for the server's answers (zlib). Private to the server module.
#include <string>
#include <string_view>

namespace tryggve::server {

// `text` as one gzip member (RFC 1952) at zlib's default level. Throws
// Error(Internal) if zlib fails (it does not on memory it was given).
std::string gzip(std::string_view text);

// Whether an Accept-Encoding value takes gzip (RFC 9110, 12.5.3): `gzip` (or
// `x-gzip`) with a q-value above 0, or `*` above 0 when gzip is not named.
// Case-insensitive; anything it cannot read counts as not asking.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace tryggve::server
