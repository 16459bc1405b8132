"""Plots of a classifier's predictions: ROC and precision-recall curves (one-vs-rest for
more than two classes), the confusion matrix at the model's decision threshold, and the
calibration curve."""

from __future__ import annotations

import numpy as np

from .figures import PALETTE, NotDrawn, plot

#: Bins of the calibration curve.
CALIBRATION_BINS = 10


def classification_plots(report) -> list[str]:
    return [
        plot("roc", "ROC curve", _roc, report),
        plot("pr", "Precision-recall curve", _pr, report),
        plot("confusion", _confusion_title(report), _confusion, report),
        plot("calibration", "Calibration curve", _calibration, report),
    ]


def _curves(report):
    """(label, binary truth, score) per curve: the positive class, or each class against the rest."""
    classes = report.classes
    positions = [1] if len(classes) == 2 else range(len(classes))
    for position in positions:
        truth = (report.y_true == position).astype(int)
        if truth.min() == truth.max():
            continue
        yield f"class {classes[position]}", truth, report.output[:, position]


def _checked_curves(report):
    curves = list(_curves(report))
    if not curves:
        raise NotDrawn("the labels hold a single class, so there is nothing to rank against")
    return curves


def _roc(fig, report) -> None:
    from sklearn.metrics import auc, roc_curve

    ax = fig.add_subplot()
    for i, (label, truth, score) in enumerate(_checked_curves(report)):
        fpr, tpr, _ = roc_curve(truth, score)
        ax.plot(fpr, tpr, color=PALETTE[i % len(PALETTE)], label=f"{label} (AUC {auc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=0.8)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(loc="lower right", fontsize=8)


def _pr(fig, report) -> None:
    from sklearn.metrics import average_precision_score, precision_recall_curve

    ax = fig.add_subplot()
    for i, (label, truth, score) in enumerate(_checked_curves(report)):
        precision, recall, _ = precision_recall_curve(truth, score)
        ap = average_precision_score(truth, score)
        ax.step(recall, precision, where="post", color=PALETTE[i % len(PALETTE)], label=f"{label} (AP {ap:.3f})")
        ax.axhline(truth.mean(), color=PALETTE[i % len(PALETTE)], linestyle=":", linewidth=0.8)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(loc="lower left", fontsize=8)


def _confusion_title(report) -> str:
    at = "the most probable class" if report.threshold is None else f"threshold {report.threshold:.3f}"
    return f"Confusion matrix (predicted at {at})"


def _confusion(fig, report) -> None:
    k = len(report.classes)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (report.y_true.astype(int), report.predicted.astype(int)), 1)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax = fig.add_subplot()
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.grid(False)
    for (i, j), n in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            f"{n}\n{shares[i, j]:.0%}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if shares[i, j] > 0.6 else "black",
        )
    labels = [str(c) for c in report.classes]
    ax.set_xticks(range(k), labels, rotation=30 if k > 4 else 0)
    ax.set_yticks(range(k), labels)
    ax.set(xlabel="predicted", ylabel="actual")


def _calibration(fig, report) -> None:
    from sklearn.calibration import calibration_curve

    curves = _checked_curves(report)
    ax = fig.add_subplot()
    bins = min(CALIBRATION_BINS, max(2, len(report.y_true) // 10))
    for i, (label, truth, score) in enumerate(curves):
        observed, predicted = calibration_curve(truth, score, n_bins=bins, strategy="quantile")
        ax.plot(predicted, observed, marker="o", markersize=3, color=PALETTE[i % len(PALETTE)], label=label)
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=0.8, label="perfectly calibrated")
    ax.set(xlabel="mean predicted probability", ylabel="observed share", xlim=(0, 1), ylim=(0, 1.01))
    ax.legend(loc="upper left", fontsize=8)
