// nn/convis/convis.h: the convis layer model in one include (see convis/convis.h for all).
#pragma once

#include "convis/nn/convis/samples.h"
#include "convis/nn/convis/streams.h"
