<%doc> Custom connectivity update kernels: a thread per row changes it (and, where postsynaptic
learning uses columns, threads clear the column lengths); then the columns are rebuilt by the
remap kernels: a thread per row appends, a thread per column sorts. </%doc>\
<%namespace name="ccu" file="/common/custom_connectivity_update.mako"/>\
<%namespace name="simt" file="/simt/common.mako"/>\
% for k in ir.custom_update_groups.values():
<% kind = ir.custom_connectivity_update_kind(k) %>\
%   if ranges[kind]:
${simt.kernel_head(kind)}\
%     for r in ranges[kind]:
<% mg = r.group; code = mg.code %>\
${simt.open_group(r)}\
%       if code.remap:
        if (id < ${mg.get("num_post")}) { _a_colLength[id] = 0u; }
%       endif
%       if code.body:
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
${ccu.row(mg, 12)}\
        }
%       endif
    }
%     endfor
}

%   endif
%   if ranges[f"custom_connectivity_remap{k}_"]:
${simt.kernel_head(f"custom_connectivity_remap{k}_")}\
%     for r in ranges[f"custom_connectivity_remap{k}_"]:
${simt.open_group(r)}\
${simt.append_columns(r.group, f'genn_report_error(GENN_ERRORS, {r.group.get("remap_check")}, id_post);')}\
    }
%     endfor
}

${simt.kernel_head(f"custom_connectivity_remap_sort{k}_")}\
%     for r in ranges[f"custom_connectivity_remap_sort{k}_"]:
${simt.open_group(r)}\
${simt.sort_columns(r.group)}\
    }
%     endfor
}

%   endif
% endfor
