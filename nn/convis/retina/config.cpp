// nn/convis/retina/config.cpp: reading VirtualRetina XML configurations (see config.h).
#include "convis/nn/convis/retina/config.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "convis/core/error.h"

namespace convis::models {

namespace {

// Note [VirtualRetina XML]
// VirtualRetina's files use elements with attributes only (no text content, no namespaces,
// no entities beyond the plain ones), so a small reader suffices: elements, attributes in
// single or double quotes, self-closing tags, comments, <?...?> and <!...> declarations.
// It builds the element tree and checks that every tag is closed by its own name.
struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::unique_ptr<Element>> children;
  const Element* parent = nullptr;
};

class XmlReader {
 public:
  static constexpr size_t kMaxDepth = 256;
  explicit XmlReader(const std::string& text) : s_(text) {}

  std::unique_ptr<Element> parse() {
    auto root = std::make_unique<Element>();
    root->name = "#document";
    std::vector<Element*> open{root.get()};
    while (true) {
      size_t lt = s_.find('<', pos_);
      if (lt == std::string::npos) break;
      pos_ = lt;
      if (starts_with("<!--")) {
        skip_past("-->");
      } else if (starts_with("<?") || starts_with("<!")) {
        skip_past(">");
      } else if (starts_with("</")) {
        pos_ += 2;
        std::string name = read_name();
        skip_space();
        expect('>');
        CONVIS_CHECK(open.size() > 1 && open.back()->name == name, "retina_config_from_xml",
                     "expected </{}>, got </{}> at offset {}", open.size() > 1 ? open.back()->name : "", name, pos_);
        open.pop_back();
      } else {
        ++pos_;
        auto element = std::make_unique<Element>();
        element->name = read_name();
        element->parent = open.back();
        bool self_closing = read_attributes(*element);
        Element* raw = element.get();
        open.back()->children.push_back(std::move(element));
        if (!self_closing) open.push_back(raw);
        // The tree is searched and freed recursively: a hostile depth must not overflow the stack.
        CONVIS_CHECK(open.size() <= kMaxDepth + 1, "retina_config_from_xml",
                     "expected elements nested at most {} deep (VirtualRetina's nest 5), got deeper at offset {}",
                     kMaxDepth, pos_);
      }
    }
    CONVIS_CHECK(open.size() == 1, "retina_config_from_xml", "expected every element closed, got <{}> open at the end",
                 open.back()->name);
    return root;
  }

 private:
  bool starts_with(const char* p) const { return s_.compare(pos_, std::char_traits<char>::length(p), p) == 0; }
  void skip_past(const char* end) {
    size_t e = s_.find(end, pos_);
    CONVIS_CHECK(e != std::string::npos, "retina_config_from_xml", "expected '{}', got the end of the text", end);
    pos_ = e + std::char_traits<char>::length(end);
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    CONVIS_CHECK(pos_ < s_.size() && s_[pos_] == c, "retina_config_from_xml", "expected '{}' at offset {}, got {}", c,
                 pos_, pos_ < s_.size() ? fmt::format("'{}'", s_[pos_]) : std::string("the end of the text"));
    ++pos_;
  }
  std::string read_name() {
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
                                s_[pos_] == '_' || s_[pos_] == ':' || s_[pos_] == '.'))
      ++pos_;
    CONVIS_CHECK(pos_ > start, "retina_config_from_xml", "expected a name at offset {}, got {}", start,
                 start < s_.size() ? fmt::format("'{}'", s_[start]) : std::string("the end of the text"));
    return s_.substr(start, pos_ - start);
  }
  // Reads attributes up to '>' or '/>'; returns whether the element closed itself.
  bool read_attributes(Element& e) {
    while (true) {
      skip_space();
      if (starts_with("/>")) {
        pos_ += 2;
        return true;
      }
      if (starts_with(">")) {
        ++pos_;
        return false;
      }
      std::string key = read_name();
      skip_space();
      expect('=');
      skip_space();
      CONVIS_CHECK(pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\''), "retina_config_from_xml",
                   "expected a quoted value for attribute '{}' of <{}>", key, e.name);
      char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      CONVIS_CHECK(end != std::string::npos, "retina_config_from_xml", "expected a closing quote for '{}' of <{}>",
                   key, e.name);
      e.attributes[key] = s_.substr(pos_, end - pos_);
      pos_ = end + 1;
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

void find_all(const Element& e, const std::string& name, std::vector<const Element*>& out) {
  for (const auto& c : e.children) {
    if (c->name == name) out.push_back(c.get());
    find_all(*c, name, out);
  }
}

const Element* find_first(const Element& e, const std::string& name) {
  std::vector<const Element*> all;
  find_all(e, name, all);
  return all.empty() ? nullptr : all.front();
}

// Sets `value` from attribute `key` of `e` when present.
template <typename T>
void read(const Element* e, const char* key, T& value) {
  if (e == nullptr) return;
  auto it = e->attributes.find(key);
  if (it == e->attributes.end()) return;
  std::string text = it->second;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && (std::isspace(static_cast<unsigned char>(text[start])) || text[start] == '+')) ++start;
  double parsed = 0;
  auto [end, ec] = std::from_chars(text.data() + start, text.data() + text.size(), parsed);
  CONVIS_CHECK(ec == std::errc() && end == text.data() + text.size() && start < text.size(), "retina_config_from_xml",
               "expected a number for attribute '{}' of <{}>, got '{}'", key, e->name, it->second);
  value = static_cast<T>(parsed);
}

void read_ganglion(const Element* g, GanglionConfig& c) {
  read(g, "transient-tau__sec", c.transient_tau);
  read(g, "transient-relative-weight", c.transient_relative_weight);
  read(g, "bipolar-linear-threshold", c.v_0);
  read(g, "value-at-linear-threshold__Hz", c.i_0);
  read(g, "bipolar-amplification__Hz", c.lambda_g);
  read(g, "sigma-pool__deg", c.sigma_pool);
  const Element* spiking = g ? find_first(*g, "spiking-channel") : nullptr;
  read(spiking, "g-leak__Hz", c.g_leak);
  read(spiking, "sigma-V", c.sigma_v);
  read(spiking, "refr-mean__sec", c.refr_mean);
  read(spiking, "refr-stdev__sec", c.refr_stdev);
}

}  // namespace

RetinaConfig retina_config_from_xml(const std::string& xml_text, const RetinaConfig& base) {
  std::unique_ptr<Element> root = XmlReader(xml_text).parse();
  RetinaConfig c = base;
  const Element* opl = find_first(*root, "outer-plexiform-layer");
  const Element* linear = opl ? find_first(*opl, "linear-version") : nullptr;
  read(linear, "center-sigma__deg", c.opl.sigma_center);
  read(linear, "center-tau__sec", c.opl.tau_center);
  read(linear, "center-n__uint", c.opl.n_center);
  read(linear, "surround-sigma__deg", c.opl.sigma_surround);
  read(linear, "surround-tau__sec", c.opl.tau_surround);
  read(linear, "opl-amplification", c.opl.lambda_opl);
  read(linear, "opl-relative-weight", c.opl.relative_weight);
  const Element* undershoot = linear ? find_first(*linear, "undershoot") : nullptr;
  read(undershoot, "tau__sec", c.opl.undershoot_tau_center);
  read(undershoot, "relative-weight", c.opl.undershoot_relative_weight_center);
  const Element* cgc = find_first(*root, "contrast-gain-control");
  read(cgc, "opl-amplification__Hz", c.bipolar.input_amp);
  read(cgc, "bipolar-inert-leaks__Hz", c.bipolar.g_leak);
  read(cgc, "adaptation-sigma__deg", c.bipolar.adaptation_sigma);
  read(cgc, "adaptation-tau__sec", c.bipolar.adaptation_tau);
  read(cgc, "adaptation-feedback-amplification__Hz", c.bipolar.lambda_amp);
  std::vector<const Element*> layers;
  find_all(*root, "ganglion-layer", layers);
  bool have_on = false, have_off = false;
  for (const Element* g : layers) {
    double sign = 1.0;
    read(g, "sign", sign);
    if (sign > 0 && !have_on) {
      read_ganglion(g, c.on);
      have_on = true;
    } else if (sign < 0 && !have_off) {
      read_ganglion(g, c.off);
      have_off = true;
    }
  }
  return c;
}

RetinaConfig retina_config_from_xml_file(const std::string& path, const RetinaConfig& base) {
  std::ifstream file(path);
  CONVIS_CHECK(file.good(), "retina_config_from_xml_file", "expected a readable file, got '{}'", path);
  std::stringstream text;
  text << file.rdbuf();
  return retina_config_from_xml(text.str(), base);
}

}  // namespace convis::models
