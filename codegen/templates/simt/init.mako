<%doc> Initialisation kernels: variables, SPARSE connectivity (with the multinomial prelude
of row lengths, and sorting rows built column-wise), the column structure of postsynaptic
learning, and variables of SPARSE synapses once connectivity exists. </%doc>\
<%namespace name="blocks" file="/common/blocks.mako"/>\
<%namespace name="syn" file="/common/synapse.mako"/>\
<%namespace name="simt" file="/simt/common.mako"/>\
% if ranges["neuron_init"]:
${simt.kernel_head("neuron_init")}\
% for r in ranges["neuron_init"]:
${simt.open_group(r)}\
        if (id < ${r.group.get("num_neurons")}) {
${syn.element_inits(r.group.code, "id", 12)}\
        }
    }
% endfor
}

% endif
% if ranges["dense_init"]:
${simt.kernel_head("dense_init")}\
% for r in ranges["dense_init"]:
${simt.open_group(r)}\
        if (id < ${r.group.get("num_post")}) {
            const uint32_t id_post = id;
            for (uint32_t id_pre = 0u; id_pre < ${r.group.get("num_pre")}; id_pre++) {
${syn.dense_element(r.group, 16)}\
${syn.element_inits(r.group.code, "id_syn", 16)}\
            }
        }
    }
% endfor
}

% endif
% if ranges["connectivity_prelude"]:
${simt.kernel_head("connectivity_prelude")}\
% for r in ranges["connectivity_prelude"]:
${simt.open_group(r)}\
        if (id == 0u) {
${syn.multinomial_row_lengths(r.group, 12)}\
        }
    }
% endfor
}

% endif
% if ranges["connectivity_init"]:
${simt.kernel_head("connectivity_init")}\
% for r in ranges["connectivity_init"]:
<% mg = r.group; code = mg.code %>\
${simt.open_group(r)}\
%   if code.builds:
        uint32_t _overflow = 0u;
%   endif
%   if code.builds and code.bitmask:
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
${syn.build_bitmask_row(mg, 12)}\
        }
%   elif code.builds and code.by_row:
        if (id < ${mg.get("num_pre")}) {
            const uint32_t id_pre = id;
${syn.build_row(code, 12)}\
        }
%   elif code.builds:
        if (id < ${mg.get("num_post")}) {
            const uint32_t id_post = id;
            uint32_t _pre, _r;
${syn.build_column(code, 12)}\
        }
%   endif
%   if code.builds:
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
%   endif
    }
% endfor
}

% endif
% if ranges["connectivity_sort"]:
${simt.kernel_head("connectivity_sort")}\
% for r in ranges["connectivity_sort"]:
<% mg = r.group %>\
${simt.open_group(r)}\
        /* column-wise building appends to rows in any order: sort each row */
        if (id < ${mg.get("num_pre")}) {
            const uint32_t _n = min(_a_rowLength[id], ${mg.get("row_stride")});
            _a_rowLength[id] = _n;
            GENN_GLOBAL ${mg.code.index_type}* const _row = _a_ind + id * ${mg.get("row_stride")};
${simt.sort_in_place("_row", mg.code.index_type, "_n")}\
        }
    }
% endfor
}

% endif
% if ranges["connectivity_remap"]:
${simt.kernel_head("connectivity_remap")}\
% for r in ranges["connectivity_remap"]:
<% mg = r.group %>\
${simt.open_group(r)}\
        uint32_t _overflow = 0u;
${simt.append_columns(mg, "_overflow = 1u;")}\
        if (_overflow) { _a_errors[${mg.get("error_slot")}] = 1u; }
    }
% endfor
}

${simt.kernel_head("connectivity_remap_sort")}\
% for r in ranges["connectivity_remap_sort"]:
<% mg = r.group %>\
${simt.open_group(r)}\
${simt.sort_columns(mg)}\
    }
% endfor
}

% endif
% if ranges["sparse_init"]:
${simt.kernel_head("sparse_init")}\
% for r in ranges["sparse_init"]:
${simt.open_group(r)}\
        if (id < ${r.group.get("num_pre")}) {
            const uint32_t id_pre = id;
            const uint32_t _rowLength = _a_rowLength[id_pre];
            for (uint32_t _j = 0u; _j < _rowLength; _j++) {
${syn.sparse_element(r.group, "_j", 16)}\
                (void)id_post;
${syn.element_inits(r.group.code, "id_syn", 16)}\
            }
        }
    }
% endfor
}
% endif
% if ranges["kernel_init"]:

${simt.kernel_head("kernel_init")}\
% for r in ranges["kernel_init"]:
${simt.open_group(r)}\
        if (id < ${r.group.get("kernel_size")}) {
            const uint32_t id_kernel = id;
${syn.element_inits(r.group.code, "id_kernel", 12)}\
        }
    }
% endfor
}
% endif
