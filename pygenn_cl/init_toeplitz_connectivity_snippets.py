"""Built-in Toeplitz connectivity initialisation snippets
(PyGeNN 5 ``init_toeplitz_connectivity_snippets``).

A Toeplitz snippet's ``diagonal_build_code`` runs, at every step with spikes, once per
diagonal ``id_diag`` (``calc_max_row_len_func`` of them); its ``for_each_synapse { ... }``
loops over the step's presynaptic spikes (``id_pre``), and each ``addSynapse(id_post, k0,
k1, ...)`` runs the weight update code for that synapse, with ``id_kernel`` the flat
position of ``(k0, k1, ...)`` in the kernel (``calc_kernel_size_func``; numpy's row-major
order).  Images are stored row by row with the channel fastest (``id = (row * width + col)
* channels + channel``), as in :func:`pygenn_cl.init_sparse_connectivity_snippets.Conv2D`.
"""
from __future__ import annotations

from .model_spec import ToeplitzConnectInitSnippet, create_toeplitz_connect_init_snippet


def Uninitialised() -> ToeplitzConnectInitSnippet:
    """No initialisation."""
    return create_toeplitz_connect_init_snippet("Uninitialised")


def Conv2D() -> ToeplitzConnectInitSnippet:
    """2D convolution with stride 1 and 'same'-style borders: params conv_kh, conv_kw
    (kernel), conv_ih, conv_iw, conv_ic (input), conv_oh, conv_ow, conv_oc (output); the
    kernel has shape ``[conv_kh, conv_kw, conv_ic, conv_oc]``.  Output pixel ``(r, c)`` sees
    input pixel ``(r - conv_bh + kr, c - conv_bw + kc)`` through kernel row ``kr`` and column
    ``kc``, with ``conv_bh = (conv_ih + conv_kh - 1 - conv_oh) // 2`` (and so for ``conv_bw``):
    a cross-correlation, as in machine learning, padded so that equal sizes keep the centre."""
    return create_toeplitz_connect_init_snippet(
        "Conv2D",
        params=[("conv_kh", "int"), ("conv_kw", "int"), ("conv_ih", "int"), ("conv_iw", "int"),
                ("conv_ic", "int"), ("conv_oh", "int"), ("conv_ow", "int"), ("conv_oc", "int")],
        derived_params=[("conv_bw", lambda pars, dt: (int(pars["conv_iw"]) + int(pars["conv_kw"]) - 1
                                                      - int(pars["conv_ow"])) // 2, "int"),
                        ("conv_bh", lambda pars, dt: (int(pars["conv_ih"]) + int(pars["conv_kh"]) - 1
                                                      - int(pars["conv_oh"])) // 2, "int")],
        diagonal_build_code=(
            "const int kernRow = (id_diag / conv_oc) / conv_kw;\n"
            "const int kernCol = (id_diag / conv_oc) % conv_kw;\n"
            "const int kernOutChan = id_diag % conv_oc;\n"
            "for_each_synapse {\n"
            "    const int inRow = (id_pre / conv_ic) / conv_iw;\n"
            "    const int inCol = (id_pre / conv_ic) % conv_iw;\n"
            "    const int inChan = id_pre % conv_ic;\n"
            "    const int outRow = inRow + conv_bh - kernRow;\n"
            "    const int outCol = inCol + conv_bw - kernCol;\n"
            "    if (outRow >= 0 && outRow < conv_oh && outCol >= 0 && outCol < conv_ow) {\n"
            "        addSynapse(((outRow * conv_ow) + outCol) * conv_oc + kernOutChan,\n"
            "                   kernRow, kernCol, inChan, kernOutChan);\n"
            "    }\n"
            "}\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: (int(pars["conv_kh"]) * int(pars["conv_kw"])
                                                               * int(pars["conv_oc"])),
        calc_kernel_size_func=lambda pars: [int(pars["conv_kh"]), int(pars["conv_kw"]), int(pars["conv_ic"]),
                                            int(pars["conv_oc"])])


def AvgPoolConv2D() -> ToeplitzConnectInitSnippet:
    """Pooling (``pool_kh x pool_kw`` windows with strides pool_sh, pool_sw over a
    ``pool_ih x pool_iw x pool_ic`` input, ``pool_oh x pool_ow`` of them) followed by a 2D
    convolution (``conv_kh x conv_kw`` kernel, 'same'-style borders ``conv_bh``, ``conv_bw``,
    ``conv_oh x conv_ow x conv_oc`` output); the kernel has shape ``[conv_kh, conv_kw,
    pool_ic, conv_oc]``.

    A spike of an input pixel reaches the convolution through every pooling window it lies in
    (windows may overlap; pixels in none reach nothing), so the kernel multiplies each window's
    *sum* of spikes: for the average, give the kernel divided by ``pool_kh * pool_kw``."""
    return create_toeplitz_connect_init_snippet(
        "AvgPoolConv2D",
        params=[("conv_kh", "int"), ("conv_kw", "int"), ("pool_kh", "int"), ("pool_kw", "int"),
                ("pool_sh", "int"), ("pool_sw", "int"), ("pool_ih", "int"), ("pool_iw", "int"),
                ("pool_ic", "int"), ("conv_oh", "int"), ("conv_ow", "int"), ("conv_oc", "int")],
        derived_params=[("pool_oh", lambda pars, dt: (int(pars["pool_ih"]) - int(pars["pool_kh"]))
                         // int(pars["pool_sh"]) + 1, "int"),
                        ("pool_ow", lambda pars, dt: (int(pars["pool_iw"]) - int(pars["pool_kw"]))
                         // int(pars["pool_sw"]) + 1, "int"),
                        ("conv_bh", lambda pars, dt: ((int(pars["pool_ih"]) - int(pars["pool_kh"]))
                                                      // int(pars["pool_sh"]) + int(pars["conv_kh"])
                                                      - int(pars["conv_oh"])) // 2, "int"),
                        ("conv_bw", lambda pars, dt: ((int(pars["pool_iw"]) - int(pars["pool_kw"]))
                                                      // int(pars["pool_sw"]) + int(pars["conv_kw"])
                                                      - int(pars["conv_ow"])) // 2, "int")],
        diagonal_build_code=(
            "const int kernRow = (id_diag / conv_oc) / conv_kw;\n"
            "const int kernCol = (id_diag / conv_oc) % conv_kw;\n"
            "const int kernOutChan = id_diag % conv_oc;\n"
            "for_each_synapse {\n"
            "    const int poolInRow = (id_pre / pool_ic) / pool_iw;\n"
            "    const int poolInCol = (id_pre / pool_ic) % pool_iw;\n"
            "    const int poolInChan = id_pre % pool_ic;\n"
            "    // the pooling windows this pixel lies in: rows poolRow * pool_sh ... + pool_kh - 1\n"
            "    const int rowLo = (poolInRow < pool_kh) ? 0 : ((poolInRow - pool_kh) / pool_sh + 1);\n"
            "    const int rowHi = (poolInRow / pool_sh < pool_oh - 1) ? poolInRow / pool_sh : pool_oh - 1;\n"
            "    const int colLo = (poolInCol < pool_kw) ? 0 : ((poolInCol - pool_kw) / pool_sw + 1);\n"
            "    const int colHi = (poolInCol / pool_sw < pool_ow - 1) ? poolInCol / pool_sw : pool_ow - 1;\n"
            "    for (int poolOutRow = rowLo; poolOutRow <= rowHi; poolOutRow++) {\n"
            "        const int outRow = poolOutRow + conv_bh - kernRow;\n"
            "        if (outRow >= 0 && outRow < conv_oh) {\n"
            "            for (int poolOutCol = colLo; poolOutCol <= colHi; poolOutCol++) {\n"
            "                const int outCol = poolOutCol + conv_bw - kernCol;\n"
            "                if (outCol >= 0 && outCol < conv_ow) {\n"
            "                    addSynapse(((outRow * conv_ow) + outCol) * conv_oc + kernOutChan,\n"
            "                               kernRow, kernCol, poolInChan, kernOutChan);\n"
            "                }\n"
            "            }\n"
            "        }\n"
            "    }\n"
            "}\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: (int(pars["conv_kh"]) * int(pars["conv_kw"])
                                                               * int(pars["conv_oc"])),
        calc_kernel_size_func=lambda pars: [int(pars["conv_kh"]), int(pars["conv_kw"]), int(pars["pool_ic"]),
                                            int(pars["conv_oc"])])
