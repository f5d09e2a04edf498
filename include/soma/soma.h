/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file soma.h
 * Umbrella header of libsoma, a brain-dynamics simulator.
 */
#ifndef SOMA_SOMA_H
#define SOMA_SOMA_H

#include "soma/status.h"
#include "soma/model.h"
#include "soma/network.h"
#include "soma/integrator.h"
#include "soma/analysis.h"
#include "soma/monitor.h"
#include "soma/units.h"
#include "soma/sim.h"
#include "soma/version.h"

#endif
