<%doc> Custom update kernels: a thread per element, or (reductions) one thread per member
reducing in element order, as the C backend does, so every backend gets the same result. </%doc>\
<%namespace name="cu" file="/common/custom_update.mako"/>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="simt" file="/simt/common.mako"/>\
% for k in ir.custom_update_groups.values():
<% kind = ir.custom_update_kind(k) %>\
%   if ranges[kind]:
${simt.kernel_head(kind)}\
%     for r in ranges[kind]:
<% mg = r.group; code = mg.code %>\
${simt.open_group(r)}\
%       if code.reduction:
        /* one thread reduces in element order, as the C backend does */
        if (id == 0u) {
${cu.start_reductions(code, 12)}\
            for (uint32_t _e = 0u; _e < ${mg.get("num_neurons")}; _e++) {
                const uint32_t id = _e;
${cu.element(mg, "id", 16)}\
            }
${cu.write_reductions(code, 12)}\
        }
%       elif code.shape == "neuron":
        if (id < ${mg.get("num_neurons")}) {
${cu.element(mg, "id", 12)}\
        }
%       elif code.shape == "dense":
        if (id < ${mg.get("num_pre")} * ${mg.get("num_post")}) {
            const uint32_t id_syn = id;
            const uint32_t id_pre = id / ${mg.get("num_post")};
            const uint32_t id_post = id % ${mg.get("num_post")};
${cu.element(mg, "id_syn", 12)}\
        }
%       else:
        {
            const uint32_t id_pre = id / ${mg.get("row_stride")};
            if (id_pre < ${mg.get("num_pre")} && id % ${mg.get("row_stride")} < _a_rowLength[id_pre]) {
                const uint32_t id_syn = id;
                const uint32_t id_post = _a_ind[id_syn];
${cu.element(mg, "id_syn", 16)}\
            }
        }
%       endif
    }
%     endfor
}

%   endif
% endfor
