/* edgefn_body_flow_pause/_resume: the public face of every producer's flow handle
 * (struct edgefn_body_flow in core.h); the producer decides what pausing means. */
#include "core/core.h"

void edgefn_body_flow_pause(edgefn_body_flow *flow) {
  if (flow && !flow->paused) {
    flow->paused = true;
    (void)flow->set(flow, true);
  }
}

int edgefn_body_flow_resume(edgefn_body_flow *flow) {
  if (!flow)
    return EDGEFN_EINVAL;
  flow->paused = false;
  return flow->set(flow, false);
}
