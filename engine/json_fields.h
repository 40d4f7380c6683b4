#pragma once
// A JSON schema as a table of fields: each field's name, type, allowed range
// or choices, unit, the source of its default value, and how it is stored
// into (and read back from) a struct. One generic reader validates a JSON
// object against a table, so that every configuration file of the engine
// refuses unknown keys, wrong types and out-of-range values with the same
// messages: BadInput naming the file (or option) and the key.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/error.h"

namespace aimc::fields {

enum class Type {
  kBool,
  kInt,      // a whole number in [lo, hi], or one of `words`
  kNumber,   // a number in [lo, hi], or one of `words`
  kChoice,   // one of `words`
  kString,   // any string (a name or a file)
  kNames,    // a list of strings
  kNumbers,  // a list of numbers in [lo, hi]
  kObject,   // checked by the field's own setter (a nested table, a file name...)
};

// Where a value is being read: the file (or "--set ...") refusals name, the
// prefix of nested keys ("placement.") and the folder relative file names
// inside the file resolve against.
struct Context {
  std::string where;
  std::string prefix;
  std::string base_dir = ".";
};

// The part of a field that does not depend on the struct it fills.
struct Spec {
  std::string name;
  Type type = Type::kNumber;
  double lo = 0, hi = 0;
  std::vector<std::string> words;
  std::string unit;  // "" when dimensionless
  std::string
      source;  // "paper: ...", "code: ...", "derived: ...", "calibrated: ..." or a reference
};

// Throws BadInput unless `v` has the field's type and lies in its range or
// choices; `key` is the name refusals use (with its prefix).
void check(const Spec& f, const nlohmann::json& v, const std::string& where,
           const std::string& key);

// "type, range or choices[, unit]" of a field, for documentation.
nlohmann::json describe(const Spec& f);

// "unknown key '<key>'".
[[noreturn]] void unknown_key(const std::string& where, const std::string& key);

template <typename T>
struct Field : Spec {
  // Stores a value `check` accepted; null for keys the caller reads itself
  // before the others (a preset the rest apply on top of).
  std::function<void(T&, const nlohmann::json&, const Context&)> set;
  std::function<nlohmann::json(const T&)> get;  // null: not written back
};

template <typename T>
using Table = std::vector<Field<T>>;

template <typename T>
const Field<T>* find(const Table<T>& table, const std::string& name) {
  for (const Field<T>& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

// Reads every key of the object `j` into `out` (keys absent keep their
// value); refuses a key the table lacks, a wrong type, a value out of range.
template <typename T>
void read(const Table<T>& table, const nlohmann::json& j, T& out, const Context& ctx) {
  if (!j.is_object()) throw bad_input(ctx.where, "expected a JSON object");
  for (const auto& [key, v] : j.items()) {
    const Field<T>* f = find(table, key);
    if (f == nullptr) unknown_key(ctx.where, ctx.prefix + key);
    check(*f, v, ctx.where, ctx.prefix + key);
    if (f->set) f->set(out, v, ctx);
  }
}

// {"key": value} of every field with a getter; a getter returning null
// leaves its key out (a setting the others make meaningless).
template <typename T>
nlohmann::json write(const Table<T>& table, const T& t) {
  nlohmann::json j = nlohmann::json::object();
  for (const Field<T>& f : table) {
    if (!f.get) continue;
    nlohmann::json v = f.get(t);
    if (!v.is_null()) j[f.name] = std::move(v);
  }
  return j;
}

// {"key": {"value", "source"}} of every field with a getter, `t` giving the values.
template <typename T>
nlohmann::json sources(const Table<T>& table, const T& t) {
  nlohmann::json j = nlohmann::json::object();
  for (const Field<T>& f : table)
    if (f.get) j[f.name] = {{"value", f.get(t)}, {"source", f.source}};
  return j;
}

// Field makers. `acc` gives the stored member, as a generic lambda
// ([](auto& c) -> auto& { return c.pcm.t0; }) so that it serves both reading
// and writing; a pointer to member does too. Numbers are read as doubles and
// converted, so that an integer field given as 8.0 is 8.
template <typename T, typename M>
auto member(M T::*m) {
  return [m](auto& t) -> auto& { return t.*m; };
}

template <typename T>
Field<T> make(const std::string& name, Type type, const std::string& unit,
              const std::string& source) {
  Field<T> f;
  f.name = name;
  f.type = type;
  f.unit = unit;
  f.source = source;
  return f;
}

template <typename T, typename Acc>
Field<T> number(const std::string& name, Acc acc, double lo, double hi, const std::string& unit,
                const std::string& source) {
  using M = std::remove_cvref_t<decltype(acc(std::declval<T&>()))>;
  Field<T> f = make<T>(name, std::is_integral_v<M> ? Type::kInt : Type::kNumber, unit, source);
  f.lo = lo;
  f.hi = hi;
  f.set = [acc](T& t, const nlohmann::json& v, const Context&) {
    acc(t) = static_cast<M>(v.get<double>());
  };
  f.get = [acc](const T& t) { return nlohmann::json(acc(t)); };
  return f;
}

template <typename T, typename M>
Field<T> number(const std::string& name, M T::*m, double lo, double hi, const std::string& unit,
                const std::string& source) {
  return number<T>(name, member(m), lo, hi, unit, source);
}

template <typename T, typename Acc>
Field<T> flag(const std::string& name, Acc acc, const std::string& source) {
  Field<T> f = make<T>(name, Type::kBool, "", source);
  f.set = [acc](T& t, const nlohmann::json& v, const Context&) { acc(t) = v.get<bool>(); };
  f.get = [acc](const T& t) { return nlohmann::json(acc(t)); };
  return f;
}

template <typename T>
Field<T> flag(const std::string& name, bool T::*m, const std::string& source) {
  return flag<T>(name, member(m), source);
}

// A choice stored as an enum (or any value): `options` pairs each word with
// its value, in the order refusals list them.
template <typename T, typename E, typename Acc>
Field<T> choice(const std::string& name, Acc acc, std::vector<std::pair<std::string, E>> options,
                const std::string& source) {
  Field<T> f = make<T>(name, Type::kChoice, "", source);
  for (const auto& o : options) f.words.push_back(o.first);
  f.set = [acc, options](T& t, const nlohmann::json& v, const Context&) {
    for (const auto& [word, value] : options)
      if (word == v.get<std::string>()) acc(t) = value;
  };
  f.get = [acc, options](const T& t) {
    for (const auto& [word, value] : options)
      if (acc(t) == value) return nlohmann::json(word);
    return nlohmann::json(nullptr);
  };
  return f;
}

template <typename T, typename Acc>
Field<T> names(const std::string& name, Acc acc, const std::string& source) {
  Field<T> f = make<T>(name, Type::kNames, "", source);
  f.set = [acc](T& t, const nlohmann::json& v, const Context&) {
    acc(t) = v.get<std::vector<std::string>>();
  };
  f.get = [acc](const T& t) { return nlohmann::json(acc(t)); };
  return f;
}

template <typename T, typename Acc>
Field<T> numbers(const std::string& name, Acc acc, double lo, double hi, const std::string& unit,
                 const std::string& source) {
  Field<T> f = make<T>(name, Type::kNumbers, unit, source);
  f.lo = lo;
  f.hi = hi;
  f.set = [acc](T& t, const nlohmann::json& v, const Context&) {
    acc(t) = v.get<std::vector<double>>();
  };
  f.get = [acc](const T& t) { return nlohmann::json(acc(t)); };
  return f;
}

}  // namespace aimc::fields
