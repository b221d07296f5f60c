<%doc> Custom updates: a loop over the elements (neurons or synapses) of each member, with
reductions accumulated in element order. </%doc>\
<%namespace name="cu" file="/common/custom_update.mako"/>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
% for k in ir.custom_update_groups.values():
%   for mg in ir.kernels[ir.custom_update_kind(k)]:
<% code = mg.code %>\
/* Custom update ${mg.name} (${len(mg.members)} groups) */
static void ${mg.name}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
${c.group_loop(mg)}\
${cu.start_reductions(code, 8)}\
%     if code.shape == "neuron":
        for (uint32_t id = 0; id < ${mg.get("num_neurons")}; id++) {
%     elif code.shape == "dense":
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++)
        for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.dense_element(mg, 12)}\
%     else:
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++)
        for (uint32_t _j = 0; _j < _a_rowLength[id_pre]; _j++) {
${syn.sparse_element(mg, "_j", 12)}\
%     endif
${cu.element(mg, "id" if code.shape == "neuron" else "id_syn", 12)}\
        }
${cu.write_reductions(code, 8)}\
    }
}

%   endfor
% endfor
