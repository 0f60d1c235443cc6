// Delivers an e-mail (integrations.h's EmailMessage) over SMTP as
// Alertmanager's email notifier does: implicit TLS when the smarthost port
// is 465 or force_implicit_tls says so; otherwise EHLO and, when
// require_tls, STARTTLS (failing when the server does not offer it) and
// EHLO again; AUTH with the first usable mechanism the server offers of
// CRAM-MD5 (auth_secret), PLAIN (auth_password; only over TLS or to
// localhost, as Go's PlainAuth) and LOGIN (auth_password), none without
// auth_username; MAIL FROM, RCPT TO for each recipient, DATA with
// dot-stuffing, QUIT.
//
// Every failure after the configuration checks is retryable, as upstream
// reports it. Blocking; thread-safe (each call has its own connection).
#pragma once

#include <chrono>

#include "config/alerter_config.h"
#include "notify/integrations.h"

namespace ember::alerter {

struct SmtpOptions {
  // Bound on the whole session (connect to QUIT). Default: 30 s.
  std::chrono::milliseconds timeout{30'000};
};

// Error texts follow upstream: "establish connection to server: ...",
// "'require_tls' is true (default) but \"host:port\" does not advertise the
// STARTTLS extension", "send STARTTLS command: ...", "find auth mechanism:
// ...", "send MAIL command: 550 ...", "send RCPT command: ...", "send DATA
// command: ...", "delivery failure: ...".
SendOutcome SendEmail(const EmailConfig& config, const EmailMessage& message,
                      const SmtpOptions& options = {});

// "." at a line start doubled and the message ended with CRLF "." CRLF,
// bare LF turned into CRLF (Go's textproto DotWriter).
std::string DotStuff(std::string_view data);

}  // namespace ember::alerter
