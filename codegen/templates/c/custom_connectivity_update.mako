<%doc> Custom connectivity updates: each member's rows in order, then its column structure
rebuilt where postsynaptic learning uses it. </%doc>\
<%namespace name="ccu" file="/common/custom_connectivity_update.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
% for k in ir.custom_update_groups.values():
%   for mg in ir.kernels[ir.custom_connectivity_update_kind(k)]:
<% code = mg.code %>\
/* Custom connectivity update ${mg.name} (${len(mg.members)} groups) */
static void ${mg.name}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
    (void)t;
${c.group_loop(mg)}\
%     if code.body:
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
${ccu.row(mg, 12)}\
        }
%     endif
%     if code.remap:
${c.build_columns(mg, f'genn_report_error(GENN_ERRORS, {mg.get("remap_check")}, id_post);')}\
%     endif
    }
}

%   endfor
% endfor
