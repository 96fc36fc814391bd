"""nn.optim: every optimiser against recorded PyTorch float64 trajectories,
hand-computed first steps, parameter groups, state_dict, LineSearchGD."""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import pytest

import nn
from autograd import Value
from nn import optim
from nn.optim.floatmath import fma, lerp

# ---------------------------------------------------------------------------------------
# Recorded PyTorch trajectories. Produced once with torch 2.13.0 (CPU, x86-64) in a
# separate venv by the script below; tests never import torch. Each row is the three
# parameters after one more step. The gradient is a plain-float formula fed to both
# sides, so the rows test the update rule alone, bit for bit. (torch's CPU sqrt is 1 ulp
# off for ~1.2% of inputs, see nn/optim/floatmath.py; no square root in these runs
# hits such an input, which the exact equality below would catch.)
#
# # Recorder: python3.11 + torch 2.13.0 (CPU), float64, one 0-d tensor per parameter.
# import math, torch
# torch.set_default_dtype(torch.float64)
# def grads(x, y, z):  # gradient of (1-x)^2 + 5(y-x^2)^2 + sin(z) + 0.15 z^2, in plain floats
#     return [-2 * (1 - x) - 20 * x * (y - x * x), 10 * (y - x * x), math.cos(z) + 0.3 * z]
# START, STEPS = (-1.2, 1.0, 0.5), 8
# CASES = {
#     "sgd": ("SGD", dict(lr=0.01)),
#     "sgd_momentum": ("SGD", dict(lr=0.01, momentum=0.9)),
#     "sgd_dampening_wd": ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.1, weight_decay=0.01)),
#     "sgd_nesterov": ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)),
#     "sgd_maximize": ("SGD", dict(lr=0.001, momentum=0.5, maximize=True)),
#     "adam": ("Adam", dict(lr=0.05)),
#     "adam_wd_amsgrad": ("Adam", dict(lr=0.05, betas=(0.9, 0.8), weight_decay=0.1, amsgrad=True)),
#     "adamw": ("AdamW", dict(lr=0.05)),
#     "adamw_amsgrad": ("AdamW", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
#                                     amsgrad=True)),
#     "rmsprop": ("RMSprop", dict(lr=0.01)),
#     "rmsprop_centered_momentum": ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9,
#                                                   centered=True, weight_decay=0.01)),
#     "adagrad": ("Adagrad", dict(lr=0.1)),
#     "adagrad_all": ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
#                                     initial_accumulator_value=0.1, eps=1e-8)),
# }
# def run(name, kw, groups=None):
#     ps = [torch.tensor(v, requires_grad=True) for v in START]
#     params = ps if groups is None else [
#         dict(g, params=[ps[i] for i in g["params"]]) for g in groups]
#     opt = getattr(torch.optim, name)(params, foreach=False, **kw)
#     out = []
#     for _ in range(STEPS):
#         for p, g in zip(ps, grads(*(p.item() for p in ps))):
#             p.grad = torch.tensor(g)
#         opt.step()
#         out.append([p.item() for p in ps])
#     return out
# print("TRAJECTORIES = {")
# for key, (name, kw) in CASES.items():
#     print(f"    {key!r}: [")
#     for row in run(name, kw):
#         print(f"        {row!r},")
#     print("    ],")
# print("}")
# G = [{"params": [0, 1], "weight_decay": 0.1}, {"params": [2], "lr": 0.1, "weight_decay": 0.0}]
# print("GROUPS_SGD =", run("SGD", dict(lr=0.01, momentum=0.9), G))

TRAJECTORIES = {
    'sgd': [
        [-1.0504, 1.044, 0.4897241743810963],
        [-0.9969258191872, 1.0499340160000001, 0.47943037550073786],
        [-0.9681674125477586, 1.044326723296207, 0.469119506178294],
        [-0.949518700182349, 1.0336288648385286, 0.4587924805985867],
        [-0.9356038052545227, 1.0204245545542734, 0.4484502239559985],
        [-0.9240373518296293, 1.0059175471395203, 0.438093672085148],
        [-0.9136607424456856, 0.9907102951831996, 0.4277237710784103],
        [-0.9038817450975457, 0.9751168608935198, 0.41734147689058854],
    ],
    'sgd_momentum': [
        [-1.0504, 1.044, 0.4897241743810963],
        [-0.8622858191872, 1.089534016, 0.47018213244372453],
        [-0.7154070327803451, 1.095914912197134, 0.44226889042153633],
        [-0.6324829341732708, 1.0432469498099992, 0.40678233667721697],
        [-0.6065657457589284, 0.9315245548826208, 0.36444010466147264],
        [-0.6194813615971161, 0.7746141443525266, 0.3158955408434739],
        [-0.6471415123171478, 0.594309076176811, 0.2617525613409347],
        [-0.6618096772147082, 0.4144828208973982, 0.20257924265653401],
    ],
    'sgd_dampening_wd': [
        [-1.0502799999999999, 1.0439, 0.4896741743810963],
        [-0.8673429049032486, 1.088642976056, 0.47107236499386873],
        [-0.7215222735590698, 1.0985413431152553, 0.4449967056007549],
        [-0.6342916551888275, 1.0553357790790983, 0.4121635625869042],
        [-0.6008655312446046, 0.9575849024551174, 0.3732174911881722],
        [-0.6064322171237512, 0.8158338344287606, 0.3287443188831162],
        [-0.6313826254922005, 0.6478578061182589, 0.27928323072814326],
        [-0.6527391471802767, 0.47419183266522175, 0.22533777170303418],
    ],
    'sgd_nesterov': [
        [-0.9157485999999999, 1.0835905, 0.4804711813240829],
        [-0.807015048882053, 1.0726671055866224, 0.4525537197535576],
        [-0.7638115582236755, 1.0048154614498943, 0.41703724401064113],
        [-0.7515262265190237, 0.9016023071187123, 0.37463770622920056],
        [-0.7439050607489545, 0.7826390663011207, 0.3260134777776056],
        [-0.7215431267604917, 0.6623253070123807, 0.27178006230704155],
        [-0.6755414855981791, 0.5477489864432418, 0.2125233063638658],
        [-0.6065112815325258, 0.4400165382118448, 0.14881097043959615],
    ],
    'sgd_maximize': [
        [-1.21496, 0.9956, 0.5010275825618904],
        [-1.2385463611566387, 0.988594721984, 0.502568771566927],
        [-1.2683267567913687, 0.9796380593084965, 0.5043664848340671],
        [-1.3037095316789127, 0.9688695809439005, 0.506292132211222],
        [-1.345063068895359, 0.956177452141137, 0.5082813921402873],
        [-1.3933772024911728, 0.9413012156681047, 0.5103020887260739],
        [-1.4501941081670657, 0.9238611093040482, 0.512338124640568],
        [-1.517704380495204, 0.9033490377014357, 0.5143814447390727],
    ],
    'adam': [
        [-1.1500000000334225, 1.0499999998863636, 0.4500000004865789],
        [-1.101166328187674, 1.0980762210299222, 0.39999042779169824],
        [-1.0547182757770839, 1.1412652886910497, 0.3499685925810543],
        [-1.0121322479220316, 1.1750103965836123, 0.29993473692402206],
        [-0.9748378227450503, 1.194989694249409, 0.249892167668044],
        [-0.9438035386279414, 1.2001237392087716, 0.1998473930450334],
        [-0.9193143565983466, 1.192542654222068, 0.1498102622219033],
        [-0.9010503767094612, 1.1752761955854187, 0.0997941072394885],
    ],
    'adam_wd_amsgrad': [
        [-1.1500000000331565, 1.0499999998837208, 0.45000000046400157],
        [-1.1002298322732957, 1.0992384324468807, 0.40000392509219423],
        [-1.052344515760845, 1.1416219058583055, 0.3500099840350713],
        [-1.0099224882687983, 1.1722364462649049, 0.3000130062768662],
        [-0.9743481920024978, 1.1890383749256577, 0.25000447254098085],
        [-0.9457781022197468, 1.1918033332685787, 0.19997260831443184],
        [-0.9236911693840323, 1.1819674305869776, 0.14990251787759323],
        [-0.9072262302609524, 1.1636284011677072, 0.09977633911882021],
    ],
    'adamw': [
        [-1.1494000000334226, 1.0494999998863637, 0.4497500004865789],
        [-1.1000038343814693, 1.0970311960050525, 0.3995155134695311],
        [-1.0530417380811705, 1.139595963289308, 0.34929385529543383],
        [-1.0099984321388267, 1.1725978350203476, 0.29908530099298475],
        [-0.9723020501108998, 1.191725439519231, 0.2488932126442659],
        [-0.9409072726272434, 1.1959740936538383, 0.19872417048973112],
        [-0.916078961672005, 1.1875375390915055, 0.14858810643977738],
        [-0.897478895772262, 1.1694673239088735, 0.09849843939077499],
    ],
    'adamw_amsgrad': [
        [-1.1440000033422457, 1.0449999886363661, 0.4475000486578434],
        [-1.090059939879604, 1.0869828899018048, 0.3952419146607275],
        [-1.0398782772239434, 1.1219934336175403, 0.343219576873121],
        [-0.9952875341141342, 1.1445525878889276, 0.29143402466163937],
        [-0.9578685045156282, 1.1506902077782182, 0.23989330467377576],
        [-0.9281742071660772, 1.1405357012512234, 0.18861246882580704],
        [-0.9057522047166626, 1.1173358625476455, 0.13761342693475664],
        [-0.8895316957459986, 1.0847811931685185, 0.08692471027516598],
    ],
    'rmsprop': [
        [-1.1000000006684492, 1.0999999977272727, 0.40000000973157723],
        [-1.0593634006978312, 1.1243685069088816, 0.3286538665727705],
        [-1.034988276734605, 1.1238970123698035, 0.2702330338498384],
        [-1.0173539223162644, 1.1121864517413165, 0.21961111261538485],
        [-1.0028483671976454, 1.0951996142144473, 0.17436608533593764],
        [-0.9898808054436213, 1.0757793948439889, 0.1331274424884627],
        [-0.9777046319731563, 1.055304233672792, 0.09503041621435482],
        [-0.9659553898353954, 1.034447742618826, 0.05948775834511945],
    ],
    'rmsprop_centered_momentum': [
        [-1.1666666667408792, 1.0333333330802328, 0.46666666774271726],
        [-1.1140307781422776, 1.0849675363316518, 0.4111159838122446],
        [-1.051987905685153, 1.1420979555869721, 0.33850166543910387],
        [-0.9893988609065137, 1.1909469912927422, 0.25195887813889417],
        [-0.9334968094518968, 1.2215307251697811, 0.1536587241104663],
        [-0.888648376712992, 1.2307110882607328, 0.0452519438624816],
        [-0.8564080360878368, 1.219336939017445, -0.07189007716462464],
        [-0.8364420086216305, 1.189754627434061, -0.19651525402353295],
    ],
    'adagrad': [
        [-1.1000000000006684, 1.0999999999977272, 0.40000000000973157],
        [-1.0595336682247507, 1.1242535625016026, 0.32883011081643615],
        [-1.0353110680482054, 1.1238915322994547, 0.27069800914319486],
        [-1.0178312402958234, 1.1124960384981784, 0.22045068551820862],
        [-1.0035100166711668, 1.0959659286915677, 0.17565081633556756],
        [-0.9907726247189519, 1.0770981727150508, 0.13491763355547212],
        [-0.9788786122088555, 1.0572472248159588, 0.09737884470714898],
        [-0.9674642932635724, 1.0370760082039487, 0.06244134417876649],
    ],
    'adagrad_all': [
        [-1.1000222980246206, 1.0997415626763778, 0.4043834028767897],
        [-1.059900671026997, 1.1235850926183233, 0.335542715851225],
        [-1.0359527233104826, 1.1232998844276163, 0.2794477523936196],
        [-1.018733689197001, 1.1124023225276198, 0.23124624138276997],
        [-1.00472294107895, 1.0966685852227913, 0.18857865049455882],
        [-0.9923820878398565, 1.0788128892607245, 0.15008386397265266],
        [-0.980986075380051, 1.0601455668577304, 0.11489011806969807],
        [-0.9701750166840436, 1.041307780148813, 0.08239791779551378],
    ],
}
GROUPS_SGD = [
    [-1.0492, 1.043, 0.3972417438109627],
    [-0.8593137169024, 1.086439064, 0.2006289004774596],
    [-0.7101819741384103, 1.0896458825416617, -0.08033566961667471],
    [-0.6241817029830357, 1.0329136287315626, -0.4304711951340523],
    [-0.5939822131129515, 0.9164906036344657, -0.8235559543738734],
    [-0.6012917177630016, 0.7544258170294534, -1.2205872568865925],
    [-0.6224895328239187, 0.5685256745500057, -1.575607230894131],
    [-0.6310334479910188, 0.3825437750364862, -1.847375902019956],
]

# The end-to-end loop of the report: tanh neuron, mean squared error, Adam with two
# groups (weights decayed, bias not), 5 steps; [loss, w0, w1, b] after each step. Same
# torch set-up as above (0-d float64 tensors, foreach=False). The gradients come from
# each engine's own backward pass, so agreement is to ~1e-15, not bit for bit.
E2E_ADAM = [
    [1.4636372940338456, 0.20000000081472674, -0.10000000153713631, 3.2380048503588554e-09],
    [1.2596544429786118, 0.10010313871144122, -0.0007438595948187354, -0.088129323292856],
    [1.1015823678560517, 0.0011387678057462602, 0.09560369665615477, -0.1353000787089731],
    [0.9931599697710134, -0.09543912559481078, 0.18327125808252942, -0.14295292935136425],
    [0.9294636971171324, -0.18790772860339744, 0.250163651732859, -0.1326230621576059],
]


def grads(x: float, y: float, z: float) -> list[float]:
    """The recorder's gradient, same float operations."""
    return [-2 * (1 - x) - 20 * x * (y - x * x), 10 * (y - x * x), math.cos(z) + 0.3 * z]


START, STEPS = (-1.2, 1.0, 0.5), 8
CASES = {
    "sgd": ("SGD", dict(lr=0.01)),
    "sgd_momentum": ("SGD", dict(lr=0.01, momentum=0.9)),
    "sgd_dampening_wd": ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)),
    "sgd_maximize": ("SGD", dict(lr=0.001, momentum=0.5, maximize=True)),
    "adam": ("Adam", dict(lr=0.05)),
    "adam_wd_amsgrad": ("Adam", dict(lr=0.05, betas=(0.9, 0.8), weight_decay=0.1, amsgrad=True)),
    "adamw": ("AdamW", dict(lr=0.05)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
                                    amsgrad=True)),
    "rmsprop": ("RMSprop", dict(lr=0.01)),
    "rmsprop_centered_momentum": ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9,
                                                  centered=True, weight_decay=0.01)),
    "adagrad": ("Adagrad", dict(lr=0.1)),
    "adagrad_all": ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                    initial_accumulator_value=0.1, eps=1e-8)),
}


def run(opt: optim.Optimizer, ps: list[Value], steps: int = STEPS) -> list[list[float]]:
    out = []
    for _ in range(steps):
        for p, g in zip(ps, grads(*(p.data for p in ps))):
            p.grad = g
        opt.step()
        out.append([p.data for p in ps])
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_recorded_pytorch_trajectory_bit_for_bit(case: str) -> None:
    name, kwargs = CASES[case]
    ps = [Value(v) for v in START]
    assert run(getattr(optim, name)(ps, **kwargs), ps) == TRAJECTORIES[case]


def test_parameter_groups_match_pytorch() -> None:
    ps = [Value(v) for v in START]
    groups = [{"params": ps[:2], "weight_decay": 0.1},
              {"params": ps[2:], "lr": 0.1, "weight_decay": 0.0}]
    opt = optim.SGD(groups, lr=0.01, momentum=0.9)
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[0]["lr"] == 0.01
    assert opt.param_groups[1]["momentum"] == 0.9  # missing options take the defaults
    assert run(opt, ps) == GROUPS_SGD


def test_amsgrad_case_really_uses_the_running_maximum() -> None:
    # Without amsgrad the same run differs: the recorded case exercises max(v̂, v).
    ps = [Value(v) for v in START]
    plain = run(optim.Adam(ps, lr=0.05, betas=(0.9, 0.8), weight_decay=0.1), ps)
    assert plain != TRAJECTORIES["adam_wd_amsgrad"]


def test_end_to_end_loop_with_engine_gradients_matches_pytorch() -> None:
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.1, 0.2]]
    ys = [1.0, -1.0, 1.0, -1.0]
    w, b = [Value(0.3), Value(-0.2)], Value(0.1)
    opt = optim.Adam([{"params": w, "weight_decay": 1e-2}, {"params": [b]}], lr=0.1)
    for expected in E2E_ADAM:
        opt.zero_grad()
        loss = sum(((w[0] * x0 + w[1] * x1 + b).tanh() - y) ** 2
                   for (x0, x1), y in zip(xs, ys)) / 4
        loss.backward()
        opt.step()
        got = [loss.data, w[0].data, w[1].data, b.data]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)


# -- hand-computed steps ------------------------------------------------------------------

def one_param(value: float, grad: float) -> Value:
    p = Value(value)
    p.grad = grad
    return p


def test_sgd_first_step_uses_the_gradient_as_momentum_buffer() -> None:
    p = one_param(1.0, 0.5)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    opt.step()  # buffer = g on step 1 (dampening not applied): 1 - 0.1·0.5
    assert p.data == pytest.approx(0.95, rel=1e-15)
    assert opt.state[p]["momentum_buffer"] == 0.5
    p.grad = 0.5
    opt.step()  # buffer = 0.9·0.5 + (1 - 0.5)·0.5 = 0.7
    assert opt.state[p]["momentum_buffer"] == pytest.approx(0.7, rel=1e-15)
    assert p.data == pytest.approx(0.95 - 0.07, rel=1e-15)


def test_sgd_nesterov_and_weight_decay_by_hand() -> None:
    p = one_param(2.0, 1.0)
    optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.5).step()
    g = 1.0 + 0.5 * 2.0          # weight decay: g = 2
    assert p.data == pytest.approx(2.0 - 0.1 * (g + 0.9 * g), rel=1e-15)  # g + μ·buf


def test_adam_first_step_is_lr_times_sign() -> None:
    # m̂ = g and v̂ = g² after bias correction: p ← p − lr·g/(|g| + ε)
    for g in (3.0, -0.25, 1e-3):
        p = one_param(1.0, g)
        optim.Adam([p], lr=0.01).step()
        assert p.data == pytest.approx(1.0 - 0.01 * g / (abs(g) + 1e-8), rel=1e-14)


def test_adam_second_step_by_hand() -> None:
    p = one_param(0.0, 1.0)
    opt = optim.Adam([p], lr=0.1, betas=(0.5, 0.75), eps=0.0)
    opt.step()
    p.grad = -1.0
    opt.step()
    m = 0.5 * 0.5 * 1.0 + 0.5 * -1.0            # -0.25
    v = 0.75 * 0.25 * 1.0 + 0.25 * 1.0          # 0.4375
    m_hat, v_hat = m / (1 - 0.5**2), v / (1 - 0.75**2)
    assert opt.state[p]["exp_avg"] == m and opt.state[p]["exp_avg_sq"] == v
    assert p.data == pytest.approx(-0.1 - 0.1 * m_hat / math.sqrt(v_hat), rel=1e-14)


def test_adamw_decays_the_weight_before_the_adam_step() -> None:
    p = one_param(2.0, 0.5)
    optim.AdamW([p], lr=0.1, weight_decay=0.2).step()
    assert p.data == pytest.approx(2.0 * (1 - 0.1 * 0.2) - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-14)
    q = one_param(2.0, 0.5)
    optim.Adam([q], lr=0.1, weight_decay=0.2).step()  # coupled: g = 0.5 + 0.4, still ±lr
    assert q.data == pytest.approx(2.0 - 0.1 * 0.9 / (0.9 + 1e-8), rel=1e-14)


def test_rmsprop_first_step_by_hand() -> None:
    p = one_param(1.0, 2.0)
    optim.RMSprop([p], lr=0.01).step()  # s = 0.01·4, p ← p − lr·g/(√s + ε)
    assert p.data == pytest.approx(1.0 - 0.01 * 2.0 / (0.2 + 1e-8), rel=1e-14)
    q = one_param(1.0, 2.0)
    optim.RMSprop([q], lr=0.01, centered=True).step()  # s − ḡ² = 0.04 − 0.0004
    assert q.data == pytest.approx(1.0 - 0.01 * 2.0 / (math.sqrt(0.0396) + 1e-8), rel=1e-14)


def test_adagrad_first_steps_by_hand() -> None:
    p = one_param(1.0, 2.0)
    opt = optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=5.0)
    opt.step()  # S = 5 + 4 = 9: p ← 1 − 0.1·2/3
    assert p.data == pytest.approx(1.0 - 0.2 / (3.0 + 1e-10), rel=1e-14)
    p.grad = 4.0
    opt.step()  # S = 25, clr = 0.1/(1 + 0.5)
    assert p.data == pytest.approx(1.0 - 0.2 / (3.0 + 1e-10) - (0.1 / 1.5) * 4.0 / (5.0 + 1e-10),
                                  rel=1e-14)


def test_defaults_are_torch_defaults() -> None:
    p = [Value(1.0)]
    assert optim.SGD(p).defaults == dict(lr=1e-3, momentum=0.0, dampening=0.0,
                                         weight_decay=0.0, nesterov=False, maximize=False)
    assert optim.Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                          weight_decay=0.0, amsgrad=False, maximize=False)
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2
    assert optim.RMSprop(p).defaults == dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0,
                                             momentum=0.0, centered=False, maximize=False)
    assert optim.Adagrad(p).defaults == dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                                             initial_accumulator_value=0.0, eps=1e-10,
                                             maximize=False)


# -- the optimiser object ----------------------------------------------------------------

def test_zero_grad_and_step_with_closure() -> None:
    x = Value(3.0)
    opt = optim.SGD([x], lr=0.25)

    def closure() -> Value:
        opt.zero_grad()
        loss = (x - 1.0) ** 2
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.data == 4.0 and x.grad == 4.0 and x.data == 2.0
    opt.zero_grad()
    assert x.grad == 0.0


def test_accepts_a_module_and_updates_every_parameter() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    opt = optim.SGD(model, lr=0.5)
    for p in model.parameters():
        p.grad = 1.0
    opt.step()
    assert [p.data for p in model.parameters()] == [b - 0.5 for b in before]


def test_decay_groups_keep_biases_out_of_weight_decay() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    names = dict(model.named_parameters())
    biases = {id(p) for n, p in names.items() if optim.is_bias(n)}
    assert len(biases) == 4
    opt = optim.SGD(optim.decay_groups(model, 0.5), lr=0.1)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.5, 0.0]
    before = {id(p): p.data for p in model.parameters()}
    model.zero_grad()
    opt.step()  # zero gradients: only the decay moves anything, W ← W(1 − lr·λ)
    for p in model.parameters():
        expected = before[id(p)] if id(p) in biases else before[id(p)] * (1 - 0.1 * 0.5)
        assert p.data == pytest.approx(expected, rel=1e-15)


def test_state_dict_round_trip_resumes_the_same_trajectory() -> None:
    ps = [Value(v) for v in START]
    opt = optim.Adam(ps, lr=0.05, amsgrad=True)
    run(opt, ps, 3)
    saved = json.loads(json.dumps(opt.state_dict()))  # plain JSON data
    snapshot = [p.data for p in ps]
    rest = run(opt, ps, 4)

    qs = [Value(v) for v in snapshot]
    fresh = optim.Adam(qs, lr=0.05, amsgrad=True)
    fresh.load_state_dict(saved)
    assert fresh.state[qs[0]]["step"] == 3.0
    assert run(fresh, qs, 4) == rest


def test_load_state_dict_refuses_a_mismatch() -> None:
    opt = optim.SGD([Value(1.0), Value(2.0)], lr=0.1, momentum=0.9)
    other = optim.SGD([Value(1.0)], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="group 0 saved with 1 parameters, has 2"):
        opt.load_state_dict(other)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"nope": 1})


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-0.1), "invalid lr -0.1"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov momentum requires"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "invalid beta2 1.0"),
    (lambda p: optim.Adam(p, eps="tiny"), "eps must be a real number, got str"),
    (lambda p: optim.SGD([{"params": p, "weight_dacay": 0.1}]), r"unknown option\(s\)"),
    (lambda p: optim.SGD([{"params": p}, {"params": p}]), "already in another group"),
    (lambda p: optim.RMSprop(p, alpha=float("nan")), "invalid alpha nan"),
])
def test_bad_hyper_parameters_are_refused(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, TypeError), match=message):
        make([Value(1.0)])


def test_bad_parameter_lists_are_refused() -> None:
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="parameter 1 must be a Value, got float: 2.0"):
        optim.SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(TypeError, match="got Value"):
        optim.Adam(Value(1.0))


# -- LineSearchGD ----------------------------------------------------------------------------

def quadratic(x: Value, y: Value):  # type: ignore[no-untyped-def]
    def closure() -> Value:
        x.grad = y.grad = 0.0
        loss = (x - 3.0) ** 2 + 10.0 * (y + 1.0) ** 2
        loss.backward()
        return loss
    return closure


def test_line_search_halves_from_one_until_the_loss_decreases() -> None:
    x, y = Value(0.0), Value(0.0)
    opt = optim.LineSearchGD([x, y])
    loss = opt.step(quadratic(x, y))
    # ∇ = (-6, 20), L = 19. t = 1, 1/2, 1/4, 1/8 raise the loss; t = 1/16 gives
    # (0.375, -1.25): L = 2.625² + 10·0.25² = 7.515625 < 19.
    assert opt.last_step_size == 1 / 16
    assert (x.data, y.data) == (0.375, -1.25)
    assert loss.data == 7.515625
    assert (x.grad, y.grad) == (2 * (0.375 - 3.0), 20 * (-1.25 + 1.0))  # grads at the new point


def test_line_search_minimize_stops_at_tolerance_and_at_budget() -> None:
    x, y = Value(0.0), Value(0.0)
    result = optim.LineSearchGD([x, y], tol=1e-8).minimize(quadratic(x, y), max_iter=500)
    assert result.converged and result.reason == "tolerance"
    assert result.grad_norm <= 1e-8
    assert x.data == pytest.approx(3.0, abs=1e-8) and y.data == pytest.approx(-1.0, abs=1e-8)

    x2, y2 = Value(0.0), Value(0.0)
    short = optim.LineSearchGD([x2, y2], tol=1e-8).minimize(quadratic(x2, y2), max_iter=2)
    assert short.reason == "budget" and short.steps == 2 and not short.converged
    assert short.grad_norm == pytest.approx(math.hypot(x2.grad, y2.grad))


def test_line_search_stays_put_when_nothing_decreases() -> None:
    x = Value(0.0)

    def closure() -> Value:  # |x| with a kink at the minimum: no step decreases it
        x.grad = 0.0
        loss = abs(x) + 0.0 * x
        x.grad = 1.0  # a (sub)gradient that is not zero
        return loss

    opt = optim.LineSearchGD([x], max_halvings=5)
    opt.step(closure)
    assert opt.stalled and x.data == 0.0 and x.grad == 1.0


def test_line_search_needs_a_closure() -> None:
    with pytest.raises(TypeError, match="needs a closure"):
        optim.LineSearchGD([Value(1.0)]).step()


# -- the float arithmetic ----------------------------------------------------------------------

def test_fma_rounds_once() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        a, b, c = (rng.uniform(-1e3, 1e3) * 10 ** rng.randint(-30, 30) for _ in range(3))
        exact = Fraction(a) * Fraction(b) + Fraction(c)
        assert fma(a, b, c) == float(exact)
    assert fma(0.1, 10.0, -1.0) == 5.551115123125783e-17  # a + b·c would give 0.0
    assert 0.1 * 10.0 - 1.0 == 0.0
    assert fma(1e308, 10.0, -1e308) == math.inf
    assert math.isnan(fma(math.inf, 0.0, 1.0))
    assert fma(2.0, 3.0, math.inf) == math.inf


def test_lerp_branches_like_torch() -> None:
    assert lerp(1.0, 3.0, 0.25) == 1.5
    assert lerp(1.0, 3.0, 0.75) == 2.5
    assert lerp(-2.0, 2.0, 1.0) == 2.0 and lerp(-2.0, 2.0, 0.0) == -2.0
