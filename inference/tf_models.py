"""DIET and TED models loaded for inference only.

Rasa loads a trained TensorFlow model by compiling it and fitting it on one example, so that
Keras creates the variables, and only then reads the trained weights. That training step
leaves an optimizer with two slots per weight and a traced training graph in memory, about
ten times the weights themselves. Here one inference call creates the variables instead;
the trained weights are read over them (every variable the model has must be found in the
checkpoint), and the prediction graph is traced again, since the first trace captured the
label embeddings of the untrained weights. Predictions are the same as Rasa's; fine-tuning
still loads the Rasa way, since it needs the optimizer.

Answering calls the traced graph's concrete function directly: Rasa calls the `tf.function`,
which matches its arguments against its signature on every call (a tenth of a parse) to find
the same concrete function each time.

TED's graph is traced when TED is first asked rather than while loading (two thirds of the
loading time): the rules and memorised stories decide most predictions without it
(policies/predict_once.py), so a server may never need it, and one that does pays the trace
once, on that turn. The eager call creates only the variables of the branches it takes; the
trace creates the others, which TensorFlow then reads from the checkpoint: a copy of it is
kept for that until the trace, since Rasa removes the model's files once it is loaded.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Text, Tuple

import numpy as np
from keras.utils import tf_utils
from rasa.core.policies.ted_policy import TED
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


def build_for_inference(
    model: RasaModel,
    model_file_name: Text,
    predict_data_example: RasaModelData,
    trace: bool = True,
) -> RasaModel:
    """Creates the model's variables with one eager inference call, reads the trained
    weights over them and traces the prediction graph with those weights (now, or at the
    first prediction)."""
    run_eagerly = model.config.get(RUN_EAGERLY) if hasattr(model, "config") else None
    model.run_eagerly = True
    model.run_inference(predict_data_example)
    if not trace:
        model._kept_checkpoint = kept_copy(model_file_name)
        model_file_name = str(model._kept_checkpoint / Path(model_file_name).name)
    status = model.load_weights(model_file_name)
    # The checkpoint also holds what only training uses (the optimizer and its slots).
    status.expect_partial()
    status.assert_existing_objects_matched()
    model.run_eagerly = run_eagerly
    model.prepared_for_prediction = False
    model._tf_predict_step = None
    model._predict_concrete = None
    if trace:
        model.run_inference(predict_data_example)
    return model


def kept_copy(model_file_name: Text) -> Path:
    """A copy of a checkpoint's files (`name.index`, `name.data-…`) that lasts until it is
    no longer needed, or the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="checkpoint-"))
    atexit.register(shutil.rmtree, folder, True)
    source = Path(model_file_name)
    for file in source.parent.glob(source.name + ".*"):
        shutil.copy2(file, folder)
    return folder


class InferenceLoad:
    """`load` for a RasaModel subclass: built for inference unless fine-tuning; answering
    through the concrete function of the traced prediction graph."""

    _predict_concrete: Any = None
    _kept_checkpoint: Optional[Path] = None
    # Whether the prediction graph is traced while loading or at the first prediction.
    trace_at_load = True

    def _rasa_predict(self, batch_in: Tuple[np.ndarray, ...]) -> Dict[Text, Any]:
        model: Any = self
        if model._run_eagerly or model._tf_predict_step is None:
            outputs = super()._rasa_predict(batch_in)  # type: ignore[misc]  # traces the graph
            if self._kept_checkpoint is not None and model._tf_predict_step is not None:
                shutil.rmtree(self._kept_checkpoint, ignore_errors=True)
                self._kept_checkpoint = None
            return outputs
        if self._predict_concrete is None:
            self._predict_concrete = model._tf_predict_step.get_concrete_function()
        outputs = tf_utils.sync_to_numpy_or_python_type(self._predict_concrete(list(batch_in)))
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
        return outputs

    @classmethod
    def load(
        cls,
        model_file_name: Text,
        model_data_example: RasaModelData,
        predict_data_example: Optional[RasaModelData] = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:
            return super().load(  # type: ignore[misc]
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        return build_for_inference(
            cls(*args, **kwargs), model_file_name, predict_data_example, cls.trace_at_load
        )


class InferenceDIET(InferenceLoad, DIET):
    pass


class InferenceTED(InferenceLoad, TED):
    trace_at_load = False
