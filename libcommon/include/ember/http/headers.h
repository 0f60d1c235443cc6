// Headers: the header fields of one HTTP request or response, on the server
// (Request, Response) and in the client (ClientRequest, ClientResponse).
//
// Names compare ASCII case-insensitively, as HTTP requires; a name may occur
// more than once and fields keep the order in which they were added. A value,
// not thread-safe to mutate concurrently.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember::http {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  // Fields in the order given, duplicates kept (as Add would).
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  // The first value for `name`, or "" when absent. The view lives until the
  // headers are next modified: an Add may move every field to new storage.
  std::string_view Get(std::string_view name) const;
  // Every value for `name`, in order; copies, so they outlive later changes.
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const;

  // Replaces every field called `name` with one field.
  void Set(std::string_view name, std::string_view value);
  // Appends a field, keeping existing ones of the same name.
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }

 private:
  std::vector<Field> fields_;
};

// True when `name` is an HTTP token and `value` holds no CR, LF or NUL: a
// field that can be sent without corrupting the message.
bool IsValidHeaderField(std::string_view name, std::string_view value);

}  // namespace ember::http
