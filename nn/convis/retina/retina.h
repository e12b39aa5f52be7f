// nn/convis/retina/retina.h: a VirtualRetina-like retina: OPL, bipolar contrast gain control,
// ON and OFF ganglion inputs and their spiking channels.
//
//   using namespace convis::models;
//   Retina retina;                  // opl, bipolar, gang, spikes
//   Output o = retina->run(video, /*dt=*/100);                 // video (T, X, Y), 0..255
//   Tensor on = o["ganglion_spikes_ON"];                       // [1, 1, T, X, Y] kBool
//   Retina currents(true, true, true, /*spikes=*/false);
//   Tensor i_on = currents->run(video)[0];                     // ganglion input currents (Hz)
//   retina->opl->set_filter(std::make_shared<RecursiveOPLFilterImpl>());
//   retina->configure(retina_config_from_xml_file("retina.xml"));
//
// Forward, with I1 the OPL output:  I1 <- OPL(L);  I1 <- Bipolar(I1);  I2 <- I1;
//   ON  = gang_0_spikes(gang_0_input(I1)),  OFF = gang_1_spikes(gang_1_input(I2)).
// A stage switched off by the constructor's flags is the identity.  The result is an Output
// keyed ganglion_spikes_ON, ganglion_spikes_OFF (the original's keys, also for the currents
// of spikes = false).  See Note [Retina without gradients] in retina.cpp.
#pragma once

#include <memory>

#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/retina/bipolar.h"
#include "convis/nn/convis/retina/config.h"
#include "convis/nn/convis/retina/ganglion.h"
#include "convis/nn/convis/retina/opl.h"

namespace convis::models {

class RetinaImpl : public Layer {
 public:
  explicit RetinaImpl(bool opl = true, bool bipolar = true, bool gang = true, bool spikes = true,
                  const RetinaConfig& config = {});

  Output forward_outputs(const Tensor& input) override;
  Tensor forward(const Tensor& input) override;  // the ON output
  // Applies VirtualRetina values to every stage (kernels regenerated, parameters overwritten).
  void configure(const RetinaConfig& config);
  const RetinaConfig& config() const { return config_; }

  // Null where the constructor's flag switched the stage off.
  std::shared_ptr<OPLImpl> opl;
  std::shared_ptr<BipolarImpl> bipolar;
  std::shared_ptr<GanglionInputImpl> gang_0_input, gang_1_input;
  std::shared_ptr<GanglionSpikingImpl> gang_0_spikes, gang_1_spikes;

 private:
  void ganglion_inputs(Tensor& i1, Tensor& i2);  // bipolar signals -> ganglion input currents
  bool can_share_transient();
  RetinaConfig config_;
  // The last comparison of the two transient kernels (Note [Shared transient]): views of their
  // storages (held, so that no new kernel can take their addresses unnoticed), their versions,
  // and whether they were equal.
  struct KernelComparison {
    Tensor on, off;
    uint32_t on_version = 0, off_version = 0;
    bool equal = false;
  } transient_kernels_;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Retina);

}  // namespace convis::models
