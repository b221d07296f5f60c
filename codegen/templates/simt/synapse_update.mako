<%doc> Synapse update kernels: spike propagation (a strategy per merged group, see
codegen.generator.synapse.strategy), synapse dynamics and learning on postsynaptic spikes. </%doc>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="simt" file="/simt/common.mako"/>\
<%doc> The spikes (or events) of one queue of ``size`` neurons. </%doc>\
<%def name="spike_queue(mg, cnt, spk, size)">\
        const uint32_t _numSpikes = _a_${cnt}[_slot];
        const GENN_GLOBAL uint32_t* const _spikes = _a_${spk} + _slot * ${mg.get(size)};
</%def>
<%def name="queue_slot(mg, delay)">\
        const uint32_t _slots = ${mg.get("delay_slots")};
        const uint32_t _slot = (uint32_t)((timestep + _slots - ((1u + ${mg.get(delay)}) % _slots)) % _slots);
</%def>
<%doc> Clears this step's event-recording row before the neuron kernel ORs bits into it. </%doc>\
<%def name="zero_event_record(r)">\
% if r.group.code.event_record:
        {
            const uint32_t _threads = ${f"{r.table}[_g + 1u] - {r.table}[_g]" if r.table else f"{r.end - r.begin}u"};
            GENN_GLOBAL uint32_t* const _row = _a_evRec + (timestep % GENN_NUM_RECORDING_TIMESTEPS) * ${r.group.get("ev_words")};
            for (uint32_t _w = id; _w < ${r.group.get("ev_words")}; _w += _threads) { _row[_w] = 0u; }
        }
% endif
</%def>
<%doc> Propagation of one queue (spikes or spike-like events) of a synapse group (``row``: the
code of PROCEDURAL rows or TOEPLITZ diagonals). </%doc>\
<%def name="propagate(mg, cnt, spk, section, row)">\
<% strategy = mg.code.strategy; npt = neurons_per_thread; tps = mg.get("threads_per_spike") if strategy in ("procedural", "bitmask_pre") else "" %>\
        {
${spike_queue(mg, cnt, spk, "num_pre")}\
%   if strategy == "toeplitz":
        /* a thread per diagonal */
        if (id < ${mg.get("row_stride")}) {
            const uint32_t id_diag = id;
${syn.toeplitz_diagonal(mg, row, 12)}\
        }
%   elif strategy == "procedural" and npt > 1:
        /* threads per spike: each regenerates the whole row and runs every threads_per_spike-th synapse;
           a thread takes every ceil(num_pre / ${npt})-th spike (few threads: most would have none) */
        const uint32_t _stride = (${mg.get("num_pre")} + ${npt - 1}u) / ${npt}u;
        const uint32_t _thread = id % ${tps};
        for (uint32_t _spikeIdx = id / ${tps}; _spikeIdx < _numSpikes; _spikeIdx += _stride) {
            const uint32_t id_pre = _spikes[_spikeIdx];
${syn.procedural_row(mg, row, 12)}\
        }
%   elif strategy == "procedural":
        /* threads per spike: each regenerates the whole row and runs every threads_per_spike-th synapse */
        const uint32_t _spikeIdx = id / ${tps};
        if (_spikeIdx < _numSpikes) {
            const uint32_t id_pre = _spikes[_spikeIdx];
            const uint32_t _thread = id % ${tps};
${syn.procedural_row(mg, row, 12)}\
        }
%   elif strategy == "bitmask_post":
        /* a thread per postsynaptic neuron tests its bit of each spike's row */
        if (id < ${mg.get("num_post")}) {
            const uint32_t id_post = id;
            ${ir.scalar.name} _lacc = 0;
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
${syn.bitmask_test(mg, 16)}\
${syn.dense_element(mg, 20)}\
${syn.synapse_code(mg, section, 20)}\
                }
            }
            ${mg.code.flush}
        }
%   elif strategy == "bitmask_word":
        /* a thread per word of the rows: its 32 postsynaptic neurons are its own */
        if (id < ${mg.get("bitmask_words")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
<%call expr="syn.bitmask_row(mg, 'id', mg.get('bitmask_words'), 16)">\
${syn.synapse_code(mg, section, 24)}\
</%call>\
            }
        }
%   elif strategy == "bitmask_pre":
        const uint32_t _spikeIdx = id / ${tps};
        if (_spikeIdx < _numSpikes) {
            const uint32_t id_pre = _spikes[_spikeIdx];
<%call expr="syn.bitmask_row(mg, f'id % {tps}', tps, 12)">\
${syn.synapse_code(mg, section, 20)}\
</%call>\
        }
%   elif strategy == "dense_post":
        if (id < ${mg.get("num_post")}) {
            const uint32_t id_post = id;
            ${ir.scalar.name} _lacc = 0;
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
${syn.dense_element(mg, 16)}\
${syn.synapse_code(mg, section, 16)}\
            }
            ${mg.code.flush}
        }
%   elif strategy == "sparse_post" and npt > 1:
        /* ${npt} consecutive row positions per thread */
        if (id * ${npt}u < ${mg.get("row_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
                const uint32_t _rowEnd = _a_rowLength[id_pre], _chunkEnd = id * ${npt}u + ${npt}u;
                const uint32_t _end = (_rowEnd < _chunkEnd) ? _rowEnd : _chunkEnd;  /* PoCL calls, not inlines, min() */
                for (uint32_t _j = id * ${npt}u; _j < _end; _j++) {
${syn.sparse_element(mg, "_j", 20)}\
${syn.synapse_code(mg, section, 20)}\
                }
            }
        }
%   elif strategy == "sparse_post":
        if (id < ${mg.get("row_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_pre = _spikes[_i];
                if (id < _a_rowLength[id_pre]) {
${syn.sparse_element(mg, "id", 20)}\
${syn.synapse_code(mg, section, 20)}\
                }
            }
        }
%   else:
        const uint32_t _spikeIdx = id / ${mg.get("threads_per_spike")};
        if (_spikeIdx < _numSpikes) {
            const uint32_t id_pre = _spikes[_spikeIdx];
%     if strategy == "sparse_pre":
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = id % ${mg.get("threads_per_spike")}; _j < _rowLength; _j += ${mg.get("threads_per_spike")}) {
${syn.sparse_element(mg, "_j", 16)}\
%     else:
            for (uint32_t id_post = id % ${mg.get("threads_per_spike")}; id_post < ${mg.get("num_post")}; id_post += ${mg.get("threads_per_spike")}) {
${syn.dense_element(mg, 16)}\
%     endif
${syn.synapse_code(mg, section, 16)}\
            }
        }
%   endif
        }
</%def>
% if ranges["presynaptic_update"]:
% for r in ranges["presynaptic_update"]:
${syn.synapse_functions(r.group)}\
% endfor
${simt.kernel_head("presynaptic_update")}\
% for r in ranges["presynaptic_update"]:
<% mg = r.group %>\
${simt.open_group(r)}\
${queue_slot(mg, "axonal_delay")}\
${syn.delay_offsets(mg.code, 8)}\
${zero_event_record(r)}\
%   for cnt, spk, section, row in (("srcSpkCnt", "srcSpk", mg.code.body, mg.code.row), ("srcEvCnt", "srcEvSpk", mg.code.event_body, mg.code.event_row)):
%     if section:
${propagate(mg, cnt, spk, section, row)}\
%     endif
%   endfor
    }
% endfor
}

% endif
% if ranges["synapse_dynamics"]:
${simt.kernel_head("synapse_dynamics")}\
% for r in ranges["synapse_dynamics"]:
<% mg = r.group; row = mg.get("row_stride") if mg.code.sparse else mg.get("num_post") %>\
${simt.open_group(r)}\
${syn.delay_offsets(mg.code, 8)}\
        const uint32_t id_pre = id / ${row};
        if (id_pre < ${mg.get("num_pre")}) {
%   if mg.code.sparse:
            if (id % ${row} < _a_rowLength[id_pre]) {
                const uint32_t id_syn = id;
                const uint32_t id_post = _a_ind[id_syn];
%   else:
            {
                const uint32_t id_syn = id;
                const uint32_t id_post = id % ${row};
%   endif
${syn.synapse_code(mg, mg.code.body, 16)}\
            }
        }
    }
% endfor
}

% endif
% if ranges["postsynaptic_update"]:
${simt.kernel_head("postsynaptic_update")}\
% for r in ranges["postsynaptic_update"]:
<% mg = r.group %>\
${simt.open_group(r)}\
${queue_slot(mg, "back_prop_delay")}\
${syn.delay_offsets(mg.code, 8)}\
${zero_event_record(r)}\
%   for cnt, spk, section in (("trgSpkCnt", "trgSpk", mg.code.body), ("trgEvCnt", "trgEvSpk", mg.code.event_body)):
%     if section:
        {
${spike_queue(mg, cnt, spk, "num_post")}\
%       if mg.code.sparse:
        /* a thread per column position: each synapse is updated by one thread */
        if (id < ${mg.get("col_stride")}) {
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_post = _spikes[_i];
                if (id < _a_colLength[id_post]) {
${syn.column_element(mg, "id", 20)}\
%       else:
        /* a thread per presynaptic neuron */
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
            for (uint32_t _i = 0u; _i < _numSpikes; _i++) {
                const uint32_t id_post = _spikes[_i];
                {
${syn.dense_element(mg, 20)}\
%       endif
${syn.synapse_code(mg, section, 20)}\
                }
            }
        }
        }
%     endif
%   endfor
    }
% endfor
}

% endif
