<%doc> Synapse updates: loops over each spike's row (presynaptic update), each postsynaptic
spike's column (postsynaptic update), or every synapse (synapse dynamics). </%doc>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="c" file="/c/common.mako"/>\
<%doc> The spikes (or events) of one queue, each with the caller's loop over its synapses. </%doc>\
<%def name="each_spike(mg, cnt, spk, size, index)">\
        {
            const uint32_t _numSpikes = _a_${cnt}[_slot];
            const uint32_t* const _spikes = _a_${spk} + (uint64_t)_slot * ${mg.get(size)};
            for (uint32_t _i = 0; _i < _numSpikes; _i++) {
                const uint32_t ${index} = _spikes[_i];
${caller.body()}\
            }
        }
</%def>
<%def name="queue_slot(mg, delay)">\
        const uint32_t _slots = ${mg.get("delay_slots")};
        const uint32_t _slot = (uint32_t)((timestep + _slots - ((1u + ${mg.get(delay)}) % _slots)) % _slots);
</%def>
% for mg in ir.kernels["presynaptic_update"]:
<% conn = mg.code.connectivity %>\
${syn.synapse_functions(mg)}\
/* Spike propagation ${mg.index} (${len(mg.members)} groups) */
static void presynaptic_update_${mg.index}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
${c.group_loop(mg)}\
${queue_slot(mg, "axonal_delay")}\
${syn.delay_offsets(mg.code, 8)}\
%   for cnt, spk, section, row in (("srcSpkCnt", "srcSpk", mg.code.body, mg.code.row), ("srcEvCnt", "srcEvSpk", mg.code.event_body, mg.code.event_row)):
%     if section and conn == "toeplitz":
        {
            const uint32_t _numSpikes = _a_${cnt}[_slot];
            const uint32_t* const _spikes = _a_${spk} + (uint64_t)_slot * ${mg.get("num_pre")};
            for (uint32_t id_diag = 0u; _numSpikes > 0u && id_diag < ${mg.get("row_stride")}; id_diag++) {
${syn.toeplitz_diagonal(mg, row, 16)}\
            }
        }
%     elif section and conn == "procedural":
<%call expr="each_spike(mg, cnt, spk, 'num_pre', 'id_pre')">\
${syn.procedural_row(mg, row, 16)}\
</%call>\
%     elif section and conn == "bitmask":
<%call expr="each_spike(mg, cnt, spk, 'num_pre', 'id_pre')">\
<%call expr="syn.bitmask_row(mg, '0u', '1u', 16)">\
${syn.synapse_code(mg, section, 24)}\
</%call>\
</%call>\
%     elif section:
<%call expr="each_spike(mg, cnt, spk, 'num_pre', 'id_pre')">\
%       if mg.code.sparse:
                const uint32_t _rowLength = _a_rowLength[id_pre];
                for (uint32_t _j = 0; _j < _rowLength; _j++) {
${syn.sparse_element(mg, "_j", 20)}\
%       else:
                for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.dense_element(mg, 20)}\
%       endif
${syn.synapse_code(mg, section, 20)}\
                }
</%call>\
%     endif
%   endfor
    }
}

% endfor
% for mg in ir.kernels["postsynaptic_update"]:
/* Learning on postsynaptic spikes ${mg.index} (${len(mg.members)} groups) */
static void postsynaptic_update_${mg.index}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
${c.group_loop(mg)}\
${queue_slot(mg, "back_prop_delay")}\
${syn.delay_offsets(mg.code, 8)}\
%   for cnt, spk, section in (("trgSpkCnt", "trgSpk", mg.code.body), ("trgEvCnt", "trgEvSpk", mg.code.event_body)):
%     if section:
<%call expr="each_spike(mg, cnt, spk, 'num_post', 'id_post')">\
%       if mg.code.sparse:
                const uint32_t _colLength = _a_colLength[id_post];
                for (uint32_t _j = 0; _j < _colLength; _j++) {
${syn.column_element(mg, "_j", 20)}\
%       else:
                for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
${syn.dense_element(mg, 20)}\
%       endif
${syn.synapse_code(mg, section, 20)}\
                }
</%call>\
%     endif
%   endfor
    }
}

% endfor
% for mg in ir.kernels["synapse_dynamics"]:
/* Synapse dynamics ${mg.index} (${len(mg.members)} groups) */
static void synapse_dynamics_${mg.index}(char* const genn_arena, uint64_t timestep, ${time_type} t) {
${c.group_loop(mg)}\
${syn.delay_offsets(mg.code, 8)}\
        for (uint32_t id_pre = 0; id_pre < ${mg.get("num_pre")}; id_pre++) {
%   if mg.code.sparse:
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = 0; _j < _rowLength; _j++) {
${syn.sparse_element(mg, "_j", 16)}\
%   else:
            for (uint32_t id_post = 0; id_post < ${mg.get("num_post")}; id_post++) {
${syn.dense_element(mg, 16)}\
%   endif
${syn.synapse_code(mg, mg.code.body, 16)}\
            }
        }
    }
}

% endfor
