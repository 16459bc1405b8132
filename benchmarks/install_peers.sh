#!/usr/bin/env bash
# Install the peer AutoML systems, each into its own virtualenv OUTSIDE the repository
# (never into the project's venv). Re-running is harmless. Versions are the ones benchmarked.
#   bash benchmarks/install_peers.sh            # into /opt/peers
#   PEERS=/somewhere bash benchmarks/install_peers.sh
set -euo pipefail
PEERS=${PEERS:-/opt/peers}
PYTHON=${PYTHON:-python3}
mkdir -p "$PEERS"

# FLAML with its AutoML extra (LightGBM, XGBoost, ...). The extra asks for `xgboost<3` by name,
# which brings nvidia-nccl-cu12 (about 350 MB) on Linux: the venv weighs about 1.2 GB.
"$PYTHON" -m venv "$PEERS/flaml"
"$PEERS/flaml/bin/pip" install "flaml[automl]==2.7.0" pandas scikit-learn

# AutoGluon. Its NN_TORCH model needs torch: install it first, pinned, so that pip takes the
# CPU build of torch 2.13.0 that lies on this kind of machine's disk (an unpinned torch, or one
# pulled in by a dependency, is a CUDA build of several GB). The extras bring the models of
# presets="medium_quality" (LightGBM, CatBoost, XGBoost). The fastai extra is left out: it pulls
# torchvision 0.28 from PyPI, which fails to import beside the local torch file ("operator
# torchvision::nms does not exist"), so AutoGluon skips NeuralNetFastAI with a warning.
# The venv weighs about 1.9 GB.
"$PYTHON" -m venv "$PEERS/autogluon"
"$PEERS/autogluon/bin/pip" install torch==2.13.0
"$PEERS/autogluon/bin/pip" install "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"

"$PEERS/flaml/bin/python" -c "import flaml; print('flaml', flaml.__version__)"
"$PEERS/autogluon/bin/python" -c \
  "import autogluon.tabular as t, torch; print('autogluon.tabular', t.__version__, 'torch', torch.__version__)"
