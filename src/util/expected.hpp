// Errors as values: Expected<T> holds either a T or an Error naming what failed and why.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ginsttest::util {

// What kind of failure an Error is, for callers that act on it rather than print it.
enum class ErrorKind {
  other,
  io,            // a file or directory could not be read, written or made
  configuration, // an option, or what it names, is not valid
  parse,         // a file's content is not what it must be
  interrupted,   // a stop signal arrived while waiting: `signal` says which
};

// A recoverable failure: `what` names the file or step and the reason, ready to print.
struct Error {
  std::string what;
  ErrorKind kind = ErrorKind::other;
  int signal = 0; // for ErrorKind::interrupted
};

// Wraps an Error so that `return unexpected(...)` reads as the failure path.
struct Unexpected {
  Error error;
};

inline Unexpected unexpected(std::string what) {
  return Unexpected{Error{std::move(what)}};
}

// Passes a callee's failure on, kind and all.
inline Unexpected unexpected(Error error) {
  return Unexpected{std::move(error)};
}

inline Unexpected io_error(std::string what) {
  return Unexpected{Error{std::move(what), ErrorKind::io}};
}
inline Unexpected configuration_error(std::string what) {
  return Unexpected{Error{std::move(what), ErrorKind::configuration}};
}
inline Unexpected parse_error(std::string what) {
  return Unexpected{Error{std::move(what), ErrorKind::parse}};
}

// The wait for `what` was cut short by signal `signo`.
inline Unexpected interrupted(std::string what, int signo) {
  return Unexpected{Error{std::move(what), ErrorKind::interrupted, signo}};
}

// A minimal std::expected stand-in (C++23 is not available with g++ 12).
template <typename T> class Expected {
public:
  Expected(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Expected(Unexpected failure) : m_state(std::in_place_index<1>, std::move(failure.error)) {}

  bool has_value() const { return m_state.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(m_state); }

private:
  std::variant<T, Error> m_state;
};

// For operations that return nothing on success.
struct Ok {};
using Status = Expected<Ok>;

} // namespace ginsttest::util
