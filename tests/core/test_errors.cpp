// One table of user mistakes across the whole core: each must throw convis::Error whose
// message starts with the op in brackets and says what was expected and what came.
#include "helpers.h"

#include <functional>

using namespace convis;
using namespace convis::indexing;

namespace {
struct Misuse {
  const char* what;
  std::function<void()> call;
  const char* message;  // a substring the message must contain
};
}  // namespace

TEST_CASE("every misuse throws an Error naming the op, the expectation and what came", "[errors]") {
  Tensor m23 = zeros({2, 3}), m45 = zeros({4, 5}), v3 = zeros({3}), i3 = arange(3);
  Tensor video = zeros({1, 3, 4, 5, 5}), w = zeros({2, 4, 3, 3, 3});
  const std::vector<Misuse> misuses = {
      {"broadcast mismatch", [&] { m23 + zeros({4}); }, "[add] shapes [2, 3] and [4] do not broadcast"},
      {"bad dim", [&] { m23.sum({2}); }, "dim out of range"},
      {"duplicate dims", [&] { m23.sum({1, -1}); }, "expected distinct dims"},
      {"select out of range", [&] { m23.select(0, 2); }, "[select] index 2 is out of bounds for dim 0 with size 2"},
      {"view on incompatible strides", [&] { m23.t().view({6}); }, "[view] view size [6] is not compatible"},
      {"view with a wrong numel", [&] { m23.view({4}); }, "[view] shape [4] is invalid for input of size 6"},
      {"expand to a wrong size", [&] { v3.expand({2, 4}); }, "[expand] the expanded size 4 must match"},
      {"permute with too few dims", [&] { m23.permute({0}); }, "[permute] expected 2 dims"},
      {"matmul inner-size mismatch", [&] { matmul(m23, m45); }, "[matmul]"},
      {"mm on a vector", [&] { mm(v3, m23); }, "[mm]"},
      {"matmul dtype mismatch", [&] { matmul(m23, zeros({3, 2}, kFloat64)); }, "[matmul] expected scalar type"},
      {"conv channel mismatch", [&] { conv3d(video, w); }, "[conv3d] expected input with 4 channels"},
      {"conv groups", [&] { conv3d(zeros({1, 4, 4, 5, 5}), zeros({3, 4, 1, 1, 1}), {}, 1, 0, 1, 2); }, "[conv3d]"},
      {"conv wrong rank", [&] { conv3d(zeros({3, 3}), w); }, "[conv3d]"},
      {"pool kernel too big for padding", [&] { max_pool3d(video, {2, 2, 2}, {}, 2); }, "[max_pool3d]"},
      {"index dtype", [&] { index_select(m23, 1, zeros({2})); }, "expected index of dtype int64, got float32"},
      {"index out of range", [&] { index_select(m23, 1, tensor({0, 3})); }, "[index_select]"},
      {"gather out of range", [&] { gather(m23, 1, full({2, 1}, 7)); }, "[gather]"},
      {"too many indices", [&] { m23.index({0, 0, 0}); }, "[index]"},
      {"bad mask shape", [&] { m23.index({full({3, 2}, true)}); }, "[index]"},
      {"reflect pad too large", [&] { pad(zeros({1, 1, 4}), {5, 5}, PadMode::reflect); },
       "expected padding sizes less than the corresponding input dimension, but got: padding (5, 5)"},
      {"odd pad list", [&] { pad(m23, {1, 2, 3}); }, "[pad]"},
      {"cat of an empty list", [&] { cat({}, 0); }, "[cat] expected a non-empty list of tensors"},
      {"cat size mismatch", [&] { cat({m23, m45}, 0); }, "[cat]"},
      {"stack shape mismatch", [&] { stack({m23, m45}); }, "[stack]"},
      {"where with a float condition", [&] { where(m23, m23, m23); }, "[where]"},
      {"masked_fill with a float mask", [&] { m23.masked_fill(m23, 1.0); }, "[masked_fill]"},
      {"bool subtraction", [&] { full({2}, true) - full({2}, true); }, "[sub]"},
      {"in-place result type", [&] { i3.clone().div_(2); }, "can't be cast to the desired output type int64"},
      {"integer remainder by zero", [&] { remainder(i3, 0); }, "[remainder]"},
      {"mean of int64", [&] { i3.mean(); }, "[mean]"},
      {"max of an empty tensor", [&] { zeros({0}).max(); }, "[max]"},
      {"softmax dim", [&] { m23.softmax(2); }, "dim out of range"},
      {"item of many elements", [&] { m23.item(); }, "[item] expected a tensor with one element, got 6 elements"},
      {"data_ptr dtype", [&] { m23.data_ptr<double>(); }, "[data_ptr] expected a tensor of dtype float64"},
      {"rand of int64", [&] { rand({2}, kInt64); }, "[rand] expected a floating dtype"},
      {"randint bounds", [&] { randint(5, 5, {2}); }, "[randint] expected low < high"},
      {"negative size", [&] { zeros({-1}); }, "expected non-negative sizes"},
      {"bad device string", [&] { Device("gpu:0"); }, "[Device] expected \"cpu\", \"cuda\" or \"cuda:N\""},
      {"npy truncated", [&] { from_npy_bytes(std::string("\x93NUMPY\x01\x00\x10", 9)); }, "[load_npy]"},
      {"npy missing file", [&] { load_npy("/nonexistent/x.npy"); }, "[load_npy]"},
      {"requires_grad on int64", [&] { arange(3).requires_grad_(); }, "[requires_grad_]"},
      // shapes and views
      {"reshape with two -1", [&] { m23.reshape({-1, -1}); }, "[reshape] expected at most one -1 in the shape"},
      {"narrow past the end", [&] { m23.narrow(1, 2, 2); }, "[narrow] expected start + length <= 3 (size of dim 1)"},
      {"unsqueeze dim", [&] { v3.unsqueeze(3); }, "[unsqueeze] dim out of range: expected a dim in [-2, 1]"},
      {"transpose dim", [&] { m23.transpose(0, 2); }, "[transpose] dim out of range"},
      {"flip a dim twice", [&] { m23.flip({0, 0}); }, "[flip] expected distinct dims, got dim 0 twice"},
      {"roll shifts and dims", [&] { roll(m23, {1, 2}, {0}); }, "[roll] expected as many shifts as dims"},
      {"pad one value", [&] { pad(m23, {1}); }, "[pad] expected an even number of padding values"},
      {"chunk into 0", [&] { m23.chunk(0); }, "[chunk] expected chunks > 0, got 0"},
      {"split size 0", [&] { m23.split(0); }, "[split] expected split_size > 0"},
      {"expand_as a smaller shape", [&] { m23.expand_as(m45); }, "[expand] the expanded size 4 must match the existing size 2"},
      {"index_put_ values", [&] { m23.index_put_({i3.narrow(0, 0, 2)}, zeros({4})); }, "[index_put_] shape mismatch"},
      {"scatter_add float index", [&] { m23.scatter_add(1, zeros({2, 3}), m23); }, "[scatter_add] expected index of dtype int64"},
      {"mask of another shape", [&] { m23.index({zeros({3}, kBool)}); }, "[index] expected the mask's shape to match"},
      // arithmetic, reductions, factories
      {"pow shapes", [&] { pow(m23, m45); }, "[pow] shapes [2, 3] and [4, 5] do not broadcast"},
      {"matmul of a 0-D tensor", [&] { matmul(scalar_tensor(1.0), m23); }, "[matmul] expected both arguments to be at least 1-D"},
      {"bmm of matrices", [&] { bmm(m23, m23); }, "[bmm] expected two 3-D tensors"},
      {"log_softmax of int64", [&] { log_softmax(i3, 0); }, "[log_softmax] expected a floating point input"},
      {"cumsum dim", [&] { m23.cumsum(3); }, "[cumsum] dim out of range"},
      {"mean into int64", [&] { m23.mean({0}, false, kInt64); }, "[mean] expected a floating point dtype argument"},
      {"argmax dim", [&] { m23.argmax(5); }, "[argmax] dim out of range"},
      {"std of int64", [&] { i3.std(); }, "[std] expected a floating point tensor"},
      {"clamp without bounds", [&] { m23.clamp(std::nullopt, std::nullopt); }, "[clamp] expected at least one of min and max"},
      {"arange step 0", [&] { arange(0, 5, 0); }, "[arange] expected a non-zero step, got 0"},
      {"linspace of -1 steps", [&] { linspace(0, 1, -1); }, "[linspace] expected a non-negative number of steps"},
      {"max_pool3d stride 0", [&] { max_pool3d(zeros({1, 1, 4, 4, 4}), {2, 2, 2}, {0, 0, 0}); }, "[max_pool3d] expected a positive stride"},
      {"conv3d stride 0", [&] { conv3d(zeros({1, 1, 4, 4, 4}), zeros({1, 1, 2, 2, 2}), {}, 0); }, "[conv3d] expected a positive stride"},
      {"conv3d negative padding", [&] { conv3d(zeros({1, 1, 4, 4, 4}), zeros({1, 1, 2, 2, 2}), {}, 1, -1); },
       "[conv3d] expected a non-negative padding"},
      // autograd
      {"backward of a vector", [&] { (ones({2}, TensorOptions().requires_grad(true)) * 2).backward(); },
       "[backward] grad can be implicitly created only for scalar outputs"},
      {"backward without a graph", [&] { zeros({1}).sum().backward(); }, "[backward] element 0 of tensors does not require grad"},
      {"in-place on a leaf", [&] { ones({2}, TensorOptions().requires_grad(true)).add_(1); },
       "[add_] a leaf tensor that requires grad is being used in an in-place operation"},
      {"gradcheck in float32",
       [&] { autograd::gradcheck([](const std::vector<Tensor>& x) { return x[0] * 2; }, {ones({2}, TensorOptions().requires_grad(true))}); },
       "[gradcheck] expected float64 inputs"},
      // devices and files
      {"to(kCUDA) here", [&] { m23.to(kCUDA); }, "[to] expected a CUDA device, got"},
      {"npz missing file", [&] { load_npz("/nonexistent/x.npz"); }, "[load_npz] cannot open '/nonexistent/x.npz'"},
      {"npz duplicate names", [&] { save_npz("/nonexistent/x.npz", {{"a", m23}, {"a", m23}}); }, "[save_npz] expected distinct names"},
      {"safetensors too short", [&] { from_safetensors_bytes("abc"); }, "[load_safetensors] expected at least 8 bytes"},
      {"save into a missing folder", [&] { save_npy("/nonexistent/dir/x.npy", m23); }, "[save_npy] expected a writable folder"},
      // nn and optim
      {"Linear input width", [&] { nn::Linear(3, 2)->forward(zeros({2, 4})); }, "[Linear] expected an input whose last dim is in_features=3"},
      {"Conv2d channels", [&] { nn::Conv2d(3, 2, 3)->forward(zeros({1, 2, 5, 5})); }, "[conv2d] expected input with 3 channels"},
      {"BatchNorm1d features", [&] { nn::BatchNorm1d(4)->forward(zeros({2, 3})); }, "[BatchNorm1d] expected 4 channels"},
      {"mse_loss shapes", [&] { nn::functional::mse_loss(m23, m45); }, "[mse_loss] expected target of the input's shape"},
      {"cross_entropy target shape", [&] { nn::functional::cross_entropy(m23, zeros({2})); }, "[cross_entropy] expected probability targets"},
      {"nll_loss class out of range", [&] { nn::functional::nll_loss(m23, tensor({int64_t(0), int64_t(5)})); },
       "[nll_loss] expected class indices in [0, 3)"},
      {"Dropout p", [&] { nn::Dropout(1.5); }, "[Dropout] expected a dropout probability between 0 and 1, got 1.5"},
      {"Sequential index", [&] { nn::Sequential s(nn::Linear(2, 2)); s[3]; }, "[Sequential] expected an index below the size 1"},
      {"load_state_dict missing keys", [&] { nn::Linear(3, 2)->load_state_dict(nn::OrderedDict<std::string, Tensor>()); },
       "missing key(s) in state_dict: \"weight\", \"bias\""},
      {"SGD negative lr", [&] { optim::SGD({m23}, optim::SGDOptions(-1)); }, "[SGD] expected lr >= 0, got -1"},
      {"Adam betas", [&] { optim::Adam({m23}, optim::AdamOptions(0.1).betas({1.5, 0.9})); }, "[Adam] expected betas in [0, 1)"},
      {"optimizer file of another model", [&] { optim::SGD({m23}, optim::SGDOptions(0.1)).load("/nonexistent/o.safetensors"); },
       "/nonexistent/o.safetensors"},
      // the convis layer model
      {"Conv3d kernel size 0", [&] { filters::Conv3dImpl(1, 1, {0, 1, 1}); }, "[Conv3d] expected a kernel_size of three positive values"},
      {"exponential filter tau", [&] { filters::exponential_filter_1d(-1.0); }, "[exponential_filter_1d] expected a positive time constant"},
      {"retina XML left open", [&] { models::retina_config_from_xml("<a>"); }, "[retina_config_from_xml] expected every element closed"},
      {"NpyReader missing file", [&] { streams::NpyReader("/nonexistent/x.npy"); }, "cannot open '/nonexistent/x.npy'"},
      {"Conv3d weight of 4 dims", [&] { filters::Conv3d(1, 1)->set_weight(ones({1, 1, 1, 1})); },
       "[Conv3d.set_weight] expected a non-empty 1-D (t), 2-D (x, y), 3-D (t, x, y) or 5-D"},
      {"LN kernel of 2 values", [&] { models::LNImpl(Shape{5, 3}); }, "[models::L] expected a kernel_dim of 3 values"},
      {"TimePadding length", [&] { filters::TimePaddingImpl(-1); }, "[TimePadding] expected a length >= 0"},
      {"SmoothConv stages", [&] { filters::SmoothConvImpl(0); }, "[SmoothConv] expected at least one stage"},
      {"LNCascade n", [&] { models::LNCascadeImpl(-1); }, "[LNCascade] expected n >= 0"},
      {"ganglion sign", [&] { models::GanglionInputImpl(models::GanglionConfig{}, 0.5); }, "[GanglionInput] expected sign +1"},
      {"VideoReader missing file", [&] { streams::VideoReader("/nonexistent/movie.mp4"); }, "/nonexistent/movie.mp4"},
  };
  REQUIRE(misuses.size() >= 100);
  for (const Misuse& m : misuses) {
    INFO(m.what);
    CHECK_THROWS_WITH(m.call(), Catch::StartsWith("[") && Catch::Contains(m.message));
  }
}
