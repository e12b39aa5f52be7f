// fuzz/targets/retina_xml.cpp: a VirtualRetina XML configuration (retina_config_from_xml):
// elements, attributes, quotes, comments, declarations, numbers.
#include "../fuzz_target.h"

#include "convis/nn/convis/retina/config.h"

CONVIS_FUZZ_TARGET(retina_xml, data) { convis::models::retina_config_from_xml(std::string(data)); }
