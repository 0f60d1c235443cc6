// Status and Result<T>: how every library function reports failure.
//
// No exception leaves a library: a function that can fail returns Status or
// Result<T>, both [[nodiscard]]. A Status carries a code that callers branch
// on and a message written for people ("parsing config: line 3: ...").
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ember {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; retrying the same input fails again
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kOutOfRange,          // a value or time outside what is accepted (e.g. a too-old sample)
  kFailedPrecondition,  // the system is not in a state for this call (e.g. not started)
  kResourceExhausted,   // a limit was hit: body size, samples, queue length
  kUnavailable,         // transient: retrying later may succeed
  kDeadlineExceeded,    // a timeout fired
  kCanceled,            // the caller or a shutdown canceled the work
  kPermissionDenied,    // authenticated but not allowed
  kUnauthenticated,     // credentials missing or wrong
  kCorruption,          // stored data failed a check (CRC, format)
  kIOError,             // the operating system reported an error
  kUnimplemented,       // a feature that is not supported
  kInternal,            // a bug: an invariant did not hold
};

// Returns the code's name in snake case ("invalid_argument").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // A default-constructed Status is OK.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {StatusCode::kOutOfRange, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status DeadlineExceeded(std::string msg) { return {StatusCode::kDeadlineExceeded, std::move(msg)}; }
  static Status Canceled(std::string msg) { return {StatusCode::kCanceled, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unimplemented(std::string msg) { return {StatusCode::kUnimplemented, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  // An IOError whose message is "what: strerror(errno_value)".
  static Status FromErrno(std::string_view what, int errno_value);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: message", or "ok".
  std::string ToString() const;

  // The same code with "context: " put before the message, as Go's
  // fmt.Errorf("context: %w", err) reads. An OK status stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a failed Status. Accessing value() of a failed Result is a bug
// (asserted in debug builds).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    assert(!std::get<1>(state_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return state_.index() == 0; }
  // OK when the Result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<1>(state_); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Status> state_;
};

namespace status_internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <class T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace status_internal

}  // namespace ember

#define EMBER_STATUS_CONCAT_INNER(a, b) a##b
#define EMBER_STATUS_CONCAT(a, b) EMBER_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` (a Status or Result) from the enclosing function
// when it is not OK.
#define EMBER_RETURN_IF_ERROR(expr)                             \
  do {                                                          \
    if (auto&& ember_status_ = (expr); !ember_status_.ok()) {   \
      return ::ember::status_internal::AsStatus(ember_status_); \
    }                                                           \
  } while (false)

// `EMBER_ASSIGN_OR_RETURN(auto x, Fn());` declares x from the Result's value,
// or returns its Status from the enclosing function.
#define EMBER_ASSIGN_OR_RETURN(lhs, expr) \
  EMBER_ASSIGN_OR_RETURN_IMPL(EMBER_STATUS_CONCAT(ember_result_, __LINE__), lhs, expr)
#define EMBER_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
