// nn/data/data.h: the data pipeline in one include (LibTorch's torch::data names).
//
//   #include "convis/nn/data/data.h"
//   using namespace convis;
//   auto loader = data::make_data_loader(
//       data::datasets::TensorDataset(x, y).map(data::transforms::Stack<>()),
//       data::DataLoaderOptions().batch_size(64).workers(2));
//   for (auto& batch : *loader) { ... batch.data, batch.target ... }
#pragma once

#include "convis/nn/data/dataloader.h"
#include "convis/nn/data/datasets.h"
#include "convis/nn/data/example.h"
#include "convis/nn/data/samplers.h"
#include "convis/nn/data/transforms.h"
#include "convis/nn/data/video_windows.h"
