/*
 * libedgefn — run serverless edge functions inside any C server.
 *
 * Include this header only. Start with README.md; docs/javascript.md lists what scripts can
 * use and docs/limits.md the limits. Every function is documented where it is declared.
 */
#ifndef EDGEFN_H
#define EDGEFN_H

#include <edgefn/common.h>
#include <edgefn/limits.h>
#include <edgefn/loop.h>
#include <edgefn/script.h>
#include <edgefn/runtime.h>
#include <edgefn/rules.h>
#include <edgefn/backend.h>
#include <edgefn/kv.h>
#include <edgefn/fetch.h>
#include <edgefn/edge.h>
#include <edgefn/cache.h>

#endif /* EDGEFN_H */
