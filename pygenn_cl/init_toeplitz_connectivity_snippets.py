"""Built-in Toeplitz connectivity initialisation snippets
(PyGeNN 5 ``init_toeplitz_connectivity_snippets``).

TOEPLITZ connectivity is not simulated by pygenn_cl yet: the snippets exist, with PyGeNN's
parameters, kernel sizes and maximum row lengths, but a synapse group that uses
``SynapseMatrixType.TOEPLITZ`` raises NotImplementedError.  Images are stored row by row
with the channel fastest, as in :func:`pygenn_cl.init_sparse_connectivity_snippets.Conv2D`.
"""
from __future__ import annotations

from .model_spec import ToeplitzConnectInitSnippet, create_toeplitz_connect_init_snippet


def Uninitialised() -> ToeplitzConnectInitSnippet:
    """No initialisation."""
    return create_toeplitz_connect_init_snippet("Uninitialised")


def Conv2D() -> ToeplitzConnectInitSnippet:
    """2D convolution with stride 1 and 'same'-style borders: params conv_kh, conv_kw
    (kernel), conv_ih, conv_iw, conv_ic (input), conv_oh, conv_ow, conv_oc (output); the
    kernel has shape ``[conv_kh, conv_kw, conv_ic, conv_oc]``."""
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
    """Average pooling (``pool_kh x pool_kw`` windows with strides pool_sh, pool_sw over a
    ``pool_ih x pool_iw x pool_ic`` input) followed by a 2D convolution (``conv_kh x conv_kw``
    kernel, 'same'-style borders, ``conv_oh x conv_ow x conv_oc`` output); the kernel has
    shape ``[conv_kh, conv_kw, pool_ic, conv_oc]``."""
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
            "const scalar scale = 1.0 / (scalar)(pool_kh * pool_kw);\n"
            "for_each_synapse {\n"
            "    const int poolInRow = (id_pre / pool_ic) / pool_iw;\n"
            "    const int poolInCol = (id_pre / pool_ic) % pool_iw;\n"
            "    const int poolInChan = id_pre % pool_ic;\n"
            "    const int poolOutRow = poolInRow / pool_sh;\n"
            "    const int poolOutCol = poolInCol / pool_sw;\n"
            "    if (poolOutRow < pool_oh && poolOutCol < pool_ow) {\n"
            "        const int outRow = poolOutRow + conv_bh - kernRow;\n"
            "        const int outCol = poolOutCol + conv_bw - kernCol;\n"
            "        if (outRow >= 0 && outRow < conv_oh && outCol >= 0 && outCol < conv_ow) {\n"
            "            addSynapse(((outRow * conv_ow) + outCol) * conv_oc + kernOutChan,\n"
            "                       kernRow, kernCol, poolInChan, kernOutChan);\n"
            "        }\n"
            "    }\n"
            "}\n"),
        calc_max_row_len_func=lambda num_pre, num_post, pars: (int(pars["conv_kh"]) * int(pars["conv_kw"])
                                                               * int(pars["conv_oc"])),
        calc_kernel_size_func=lambda pars: [int(pars["conv_kh"]), int(pars["conv_kw"]), int(pars["pool_ic"]),
                                            int(pars["conv_oc"])])
