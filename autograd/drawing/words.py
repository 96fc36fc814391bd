"""The words a drawing and a step-through write, in English and in French.

``Style(lang="fr")`` (or ``step_through(f, lang="fr")``) picks the French
ones; every template is filled with ``str.format`` by the writer. Numbers are
formatted by :meth:`~autograd.drawing.style.Style.number` (decimal comma in
French). French typography puts a space before ``:`` and ``;``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    """Every word of a drawing, in one language."""

    data: str
    grad: str
    stored: str
    node: str
    output: str
    forward: str
    forward_stored: str
    backward: str
    both: str
    backward_bare: str
    both_bare: str
    neuron: str
    layer: str
    sample: str
    samples: str
    shared: str
    collapsed: str
    hidden: str
    hidden_node: str
    no_labels: str
    fanin: str
    fit_small: str
    fit_no_labels: str
    fit_compact: str
    fit_left_out: str
    collapsed_compact: str
    focus: str
    received_compact: str
    step: str
    pass_step: str
    forward_pass: str
    backward_pass: str
    seed: str
    given: str
    through: str
    computed: str
    constant_skip: str
    many: str
    more: str
    received: str


EN = Words(
    data="data",
    grad="grad",
    stored=".grad",
    node="node",
    output="output",
    forward="forward pass: data = value of each node; each edge carries a value",
    forward_stored=("forward pass: data = value; .grad = the gradient each node holds "
                    "now (nothing computed here)"),
    backward=("backward pass: grad = ∂{root}/∂node; each edge: upstream × local = "
              "contribution"),
    both=("forward (solid): values; backward (dashed): upstream × local = contribution; "
          "grad = ∂{root}/∂node"),
    backward_bare="backward pass: grad = ∂{root}/∂node; arrows towards the inputs",
    both_bare=("forward (dark) and backward (light, arrows towards the inputs) on each edge; "
               "grad = ∂{root}/∂node"),
    neuron="neuron",
    layer="layer",
    sample="sample",
    samples="samples",
    shared="shared parameters",
    collapsed=("{n} neurons collapsed into boxes ({full} nodes in full; "
               "draw(..., collapse=False) shows them)"),
    hidden=("{n} of {total} values not shown (more than max_nodes={max_nodes}; "
            "draw(..., max_nodes=None) shows all)"),
    hidden_node="… {n} more values",
    no_labels="edge labels left out ({n} edges; draw(..., edge_labels=True) shows them)",
    fanin=("no numbers on the {n} inputs of {ops} (more than {limit} inputs: "
           "the nodes show them)"),
    fit_small=("text is {size} pt at {page} size (less than {min} pt): too big for one "
               "page; max_nodes=... draws a part"),
    fit_no_labels="no numbers on the edges (edge_labels=True)",
    fit_compact="no op nodes, no sums in the grads",
    fit_left_out="to fit the page: {what}",
    collapsed_compact="{n} neurons as boxes (collapse=False: all {full} nodes)",
    focus=("sample 1 in full ({n} neurons as boxes), {samples} by their result only "
           "(fit=None: all {full} nodes)"),
    received_compact="{k}/{n}",
    step="Step {k} of {n}",
    pass_step="{pass_} pass, step {k} of {n}",
    forward_pass="Forward",
    backward_pass="Backward",
    seed="seed ∂{root}/∂{root} = 1; every other gradient is not computed yet (?)",
    given="the inputs are given; every other value is not computed yet (?)",
    through="through {op} of {node}: upstream {upstream}; {parts}",
    computed="{node} = {formula} = {value}",
    constant_skip="constants get no gradient shown",
    many="Σ of {n}",
    more="… and {n} more inputs",
    received="{k} of {n} received",
)

FR = Words(
    data="valeur",
    grad="grad",
    stored=".grad",
    node="nœud",
    output="sortie",
    forward="passe avant : valeur de chaque nœud ; chaque arête porte une valeur",
    forward_stored=("passe avant : valeur ; .grad = le gradient que chaque nœud contient "
                    "(rien n'est calculé ici)"),
    backward=("passe arrière : grad = ∂{root}/∂nœud ; sur chaque arête : amont × locale = "
              "contribution"),
    both=("avant (trait plein) : valeurs ; arrière (tirets) : amont × locale = "
          "contribution ; grad = ∂{root}/∂nœud"),
    backward_bare="passe arrière : grad = ∂{root}/∂nœud ; flèches vers les entrées",
    both_bare=("avant (foncé) et arrière (clair, flèches vers les entrées) sur chaque arête ; "
               "grad = ∂{root}/∂nœud"),
    neuron="neurone",
    layer="couche",
    sample="exemple",
    samples="exemples",
    shared="paramètres partagés",
    collapsed=("{n} neurones réduits à une boîte ({full} nœuds en tout ; "
               "draw(..., collapse=False) les montre)"),
    hidden=("{n} valeurs sur {total} non montrées (plus que max_nodes={max_nodes} ; "
            "draw(..., max_nodes=None) les montre toutes)"),
    hidden_node="… {n} valeurs de plus",
    no_labels=("arêtes sans nombres ({n} arêtes ; draw(..., edge_labels=True) "
               "les montre)"),
    fanin=("pas de nombres sur les {n} entrées de {ops} (plus de {limit} entrées : "
           "les nœuds les montrent)"),
    fit_small=("texte de {size} pt au format {page} (moins de {min} pt) : trop grand "
               "pour une page ; max_nodes=... en dessine une partie"),
    fit_no_labels="arêtes sans nombres (edge_labels=True)",
    fit_compact="ni nœuds d'opération, ni sommes des gradients",
    fit_left_out="pour tenir sur la page : {what}",
    collapsed_compact="{n} neurones en boîtes (collapse=False : les {full} nœuds)",
    focus=("exemple 1 en entier ({n} neurones en boîtes), {samples} par leur seul "
           "résultat (fit=None : les {full} nœuds)"),
    received_compact="{k}/{n}",
    step="Étape {k} sur {n}",
    pass_step="{pass_}, étape {k} sur {n}",
    forward_pass="Passe avant",
    backward_pass="Passe arrière",
    seed=("graine ∂{root}/∂{root} = 1 ; les autres gradients ne sont pas encore "
          "calculés (?)"),
    given=("les entrées sont données ; les autres valeurs ne sont pas encore "
           "calculées (?)"),
    through="à travers {op} de {node} : amont {upstream} ; {parts}",
    computed="{node} = {formula} = {value}",
    constant_skip="les constantes n'ont pas de gradient affiché",
    many="Σ de {n}",
    more="… et {n} entrées de plus",
    received="{k} sur {n} reçues",
)

_BY_LANG = {"en": EN, "fr": FR}


def words(lang: str) -> Words:
    """The words of ``lang`` (``"en"`` or ``"fr"``)."""
    return _BY_LANG[lang]
