// fuzz/seeds.cpp: the seed corpus of every target, written by the library's own savers
// (valid by construction) plus near-valid variants.  `convis-fuzz-replay --write-seeds DIR`
// runs it; `./build/fuzz/convis-fuzz-replay --write-seeds fuzz/corpus` refreshes the
// committed seeds.
#include <fstream>
#include <functional>
#include <map>

#include "convis/convis.h"
#include "convis/nn/optim/adam.h"
#include "convis/nn/optim/sgd.h"
#include "fuzz_target.h"

namespace fuzz {
namespace {

using namespace convis;

std::string read_back(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes `name`, then (for binary formats) a copy cut in half and one with a changed byte.
void put(const std::string& dir, const std::string& name, const std::string& bytes, bool variants = true) {
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  if (!variants || bytes.size() < 16) return;
  std::ofstream(dir + "/" + name + ".half", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::string flipped = bytes;
  flipped[flipped.size() / 3] ^= 0x5A;
  std::ofstream(dir + "/" + name + ".flipped", std::ios::binary) << flipped;
}

// Saves with `save` into a scratch file and keeps its bytes as the seed `name`.
void saved(const std::string& dir, const std::string& name, const std::function<void(const std::string&)>& save) {
  const std::string scratch = dir + "/.scratch";
  save(scratch);
  put(dir, name, read_back(scratch));
  std::remove(scratch.c_str());
}

const Tensor small_f32 = arange(6, kFloat32).reshape({2, 3});

void npy(const std::string& dir) {
  put(dir, "f32_2x3.npy", to_npy_bytes(small_f32));
  put(dir, "f64_scalar.npy", to_npy_bytes(scalar_tensor(2.5, kFloat64)));
  put(dir, "i64_4.npy", to_npy_bytes(arange(4, kInt64)));
  put(dir, "bool_empty.npy", to_npy_bytes(zeros({0, 3}, kBool)));
  put(dir, "i64_2x2x2.npy", to_npy_bytes(arange(8, kInt64).reshape({2, 2, 2})));
  put(dir, "fortran_order.npy", to_npy_bytes(small_f32.t().contiguous()));  // seed; the dict says False
  std::string fortran = to_npy_bytes(small_f32);
  const size_t f = fortran.find("False");
  fortran.replace(f, 5, "True ");
  put(dir, "fortran_true.npy", fortran, false);
}

void npz(const std::string& dir) {
  saved(dir, "two.npz", [](const std::string& p) { save_npz(p, {{"a", small_f32}, {"b", arange(3, kInt64)}}); });
  saved(dir, "empty_member.npz", [](const std::string& p) { save_npz(p, {{"e", zeros({0}, kFloat64)}}); });
  saved(dir, "utf8_name.npz", [](const std::string& p) { save_npz(p, {{"caf\xc3\xa9", ones({2}, kFloat32)}}); });
}

void safetensors(const std::string& dir) {
  TensorDict d;
  d.insert("w", small_f32);
  d.insert("step", scalar_tensor(3, kInt64));
  d.insert("mask", ones({2, 2}, kBool));
  put(dir, "three.safetensors", to_safetensors_bytes(d, {{"format", "pt"}}));
  TensorDict e;
  e.insert("x", zeros({0, 4}, kFloat64));
  put(dir, "empty.safetensors", to_safetensors_bytes(e));
}

nn::Sequential small_net() {
  return nn::Sequential(nn::Conv1d(nn::Conv1dOptions(2, 3, 3)), nn::BatchNorm1d(3), nn::Linear(3, 2));
}

void module_load(const std::string& dir) {
  saved(dir, "net.safetensors", [](const std::string& p) { small_net()->save(p); });
  saved(dir, "linear_only.safetensors", [](const std::string& p) { nn::Linear(3, 2)->save(p); });
}

void layer_parameters(const std::string& dir) {
  saved(dir, "ln.npz", [](const std::string& p) { models::LN(Shape{3, 3, 3}, true)->save_parameters(p); });
  saved(dir, "ln_other_shape.npz", [](const std::string& p) { models::LN(Shape{2, 5, 1}, true)->save_parameters(p); });
}

void optimizer_load(const std::string& dir) {
  std::vector<Tensor> params{zeros({3, 2}).requires_grad_(true), zeros({4}).requires_grad_(true)};
  for (Tensor& p : params) p.mutable_grad() = ones_like(p);
  optim::Adam adam(params, optim::AdamOptions(0.01).amsgrad(true));
  optim::SGD sgd(params, optim::SGDOptions(0.1).momentum(0.9));
  adam.step(), sgd.step();
  saved(dir, "adam.safetensors", [&](const std::string& p) { adam.save(p); });
  saved(dir, "sgd.safetensors", [&](const std::string& p) { sgd.save(p); });
}

void retina_xml(const std::string& dir) {
  put(dir, "virtual_retina.xml", read_back(CONVIS_TEST_DATA_DIR "/virtual_retina.xml"), false);  // the test's file
  put(dir, "entities.xml",
      "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\n"
      "<retina pixels-per-degree=\"&b;\"><!-- &amp; --><a x='&lt;&#65;&#x42;'/></retina>\n",
      false);
  put(dir, "nested.xml", std::string(200, '<').insert(0, "<retina>") + "</retina>", false);
  put(dir, "latin1.xml", "<retina \xe9t\xe9=\"1\" pixels-per-degree=\"\xff\"/>", false);
}

void inr(const std::string& dir) {
  saved(dir, "f32.inr", [](const std::string& p) { save_inr(p, rand({3, 4, 5})); });
  saved(dir, "f64.inr", [](const std::string& p) { save_inr(p, rand({2, 2, 3}, kFloat64)); });
}

}  // namespace

const std::map<std::string, void (*)(const std::string&)>& seed_writers() {
  static const std::map<std::string, void (*)(const std::string&)> all{
      {"npy", npy},
      {"npz", npz},
      {"safetensors", safetensors},
      {"module_load", module_load},
      {"layer_parameters", layer_parameters},
      {"optimizer_load", optimizer_load},
      {"retina_xml", retina_xml},
      {"inr", inr}};
  return all;
}

}  // namespace fuzz
