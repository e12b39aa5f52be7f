// nn/distributed/distributed.h: data-parallel training across processes, in one include.
//
//   #include <convis/nn/distributed/distributed.h>
//   auto pg = convis::distributed::ProcessGroupMPI::create();
//   convis::distributed::DistributedDataParallel ddp(net, pg);
//
// process_group.h: Work, ProcessGroup, ReduceOp (Note [Process groups]);
// process_group_mpi.h: ProcessGroupMPI (Note [MPI in convis]);
// ddp.h: DistributedDataParallel (Note [Buckets and hooks]).
#pragma once

#include "convis/nn/distributed/ddp.h"
#include "convis/nn/distributed/process_group.h"
#include "convis/nn/distributed/process_group_mpi.h"
