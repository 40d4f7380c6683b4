"""numpy in and out: several inputs and outputs by name, every dtype the
engine has, any memory layout, outputs that own the engine's tensors."""
import gc

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import aimc


@pytest.fixture(scope="module")
def two_by_two(tmp_path_factory):
    """Inputs a, b (float32 [N, 3]) and idx (int64 [2]); outputs sum = a + b,
    prod = a * b and picked = a[:, idx] (float mode: the graph as written)."""
    nodes = [helper.make_node("Add", ["a", "b"], ["sum"]),
             helper.make_node("Mul", ["a", "b"], ["prod"]),
             helper.make_node("Gather", ["a", "idx"], ["picked"], axis=1)]
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "two_by_two",
        [helper.make_tensor_value_info("a", f, ["N", 3]),
         helper.make_tensor_value_info("b", f, ["N", 3]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("sum", f, ["N", 3]),
         helper.make_tensor_value_info("prod", f, ["N", 3]),
         helper.make_tensor_value_info("picked", f, ["N", 2])])
    path = tmp_path_factory.mktemp("arrays") / "two_by_two.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return aimc.Model(str(path), mode="float", threads=1)


def inputs(seed=0, n=4):
    rng = np.random.default_rng(seed)
    return {"a": rng.normal(size=(n, 3)).astype(np.float32),
            "b": rng.normal(size=(n, 3)).astype(np.float32),
            "idx": np.array([2, 0], np.int64)}


def test_several_inputs_and_outputs_by_name(two_by_two):
    assert two_by_two.inputs == ["a", "b", "idx"]
    assert two_by_two.outputs == ["sum", "prod", "picked"]
    x = inputs()
    y = two_by_two.run(x)
    assert set(y) == {"sum", "prod", "picked"}
    assert all(v.dtype == np.float32 for v in y.values())
    np.testing.assert_array_equal(y["sum"], x["a"] + x["b"])
    np.testing.assert_array_equal(y["prod"], x["a"] * x["b"])
    np.testing.assert_array_equal(y["picked"], x["a"][:, [2, 0]])


def test_any_memory_layout_gives_the_same_result(two_by_two):
    x = inputs(1, 6)
    wide = np.asfortranarray(np.tile(x["a"], (1, 2)))  # not C-ordered
    strided = dict(x, a=wide[:, :3])
    assert not strided["a"].flags.c_contiguous
    y, want = two_by_two.run(strided), two_by_two.run(x)
    for k in want:
        assert y[k].tobytes() == want[k].tobytes()


def test_outputs_own_the_engine_tensors(two_by_two):
    y = two_by_two.run(inputs(2))
    total = y["sum"].copy()
    del y
    gc.collect()  # the capsule frees the tensor; a second run must not see it
    again = two_by_two.run(inputs(2))
    assert again["sum"].tobytes() == total.tobytes()
    assert not again["sum"].flags.owndata and again["sum"].flags.writeable


@pytest.mark.parametrize("bad, message", [
    (dict(idx=np.array([2, 0], np.float64)), "idx"),
    (dict(a=np.zeros((4, 3), np.float16)), "a"),
    (dict(a=[[1.0, 2.0, 3.0]]), "a"),
])
def test_a_dtype_or_object_the_engine_lacks_is_named(two_by_two, bad, message):
    with pytest.raises(aimc.BadInput, match=message):
        two_by_two.run(dict(inputs(), **bad))


def test_engine_arrays_are_lent_to_a_run_and_given_back(mnist_mlp):
    model = aimc.Model(mnist_mlp)
    data = np.random.default_rng(4).uniform(0, 1, (3, 784)).astype(np.float32)
    x = aimc.zeros((3, 784))
    assert x.dtype == np.float32 and not x.any()
    x[...] = data
    want = model.run(data)
    for _ in range(2):  # lent, run, given back: the same bytes every time
        assert model.run(x).tobytes() == want.tobytes()
        assert x.tobytes() == data.tobytes()
    assert model.run(x[1:]).tobytes() == want[1:].tobytes()  # a slice is copied


def test_one_models_output_goes_into_another(two_by_two):
    first = two_by_two.run(inputs(3))
    chained = two_by_two.run({"a": first["sum"], "b": first["prod"], "idx": inputs()["idx"]})
    np.testing.assert_array_equal(chained["sum"], first["sum"] + first["prod"])
    assert first["sum"].tobytes() == two_by_two.run(inputs(3))["sum"].tobytes()


def test_threads_running_the_same_engine_array_agree(mnist_mlp):
    import threading
    model = aimc.Model(mnist_mlp, threads=1)
    x = aimc.zeros((64, 784))
    x[...] = np.random.default_rng(5).uniform(0, 1, (64, 784))
    want = model.run(x).tobytes()
    results = []
    threads = [threading.Thread(target=lambda: results.append(model.run(x).tobytes()))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [want] * 4


@pytest.mark.parametrize("shape, dtype", [((-1, 3), np.float32), ((1 << 20, 1 << 20), np.int8),
                                          ((2, 2), np.float64)])
def test_zeros_refuses_what_the_engine_cannot_hold(shape, dtype):
    with pytest.raises(aimc.BadInput):
        aimc.zeros(shape, dtype)
