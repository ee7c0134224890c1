/* navigator: the little of it that makes sense on a server, `userAgent`, naming the
 * library and its version (scripts send it on outgoing requests). */
#include "js/js.h"

void edgefn__navigator_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  duk_push_string(ctx, "userAgent");
  duk_push_string(ctx, "libedgefn/" EDGEFN_VERSION_STRING);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_ENUMERABLE);
  edgefn__def_to_string_tag(ctx, -1, "Navigator");
  duk_put_prop_string(ctx, -2, "navigator");
  duk_pop(ctx);
}
