"""The id of every construct of this library, and of every output set service_outputs makes, is
refused where it is given when its scope holds it already (constructs/part.py): one line with
the id, what holds it and the fix, never the constructs library's RuntimeError."""

from __future__ import annotations

import pytest

from ecs_bluegreen import SettingsError


def _collide(kind: str, id: str):
    """Make the second of two constructs (or output sets) that share `id` in one scope."""
    from ecs_bluegreen import (
        BlueGreenServiceProps,
        BlueGreenStack,
        EcsBlueGreen,
        Network,
        NetworkProps,
        ServiceProps,
        StackSettings,
        StateBackendProps,
        service_outputs,
    )
    from ecs_bluegreen.constructs.addresses import ReadableStack
    from ecs_bluegreen.constructs.cdk import App, TerraformOutput

    app = App()
    if kind == "two stacks":
        settings = StackSettings(
            app=BlueGreenServiceProps(name="web", service=ServiceProps(image="nginx:1.27")),
            backend=StateBackendProps(bucket="example-tfstate", key="web.tfstate"),
        )
        BlueGreenStack(app, id, settings=settings)
        return ReadableStack(app, id)
    stack = ReadableStack(app, "stack")
    output = kind.startswith(("outputs", "an output"))  # then `id` is the outputs' prefix
    first = EcsBlueGreen(
        stack,
        "web" if output else id,
        props=BlueGreenServiceProps(name="web", service=ServiceProps(image="nginx:1.27")),
    )
    if kind == "two services":
        return EcsBlueGreen(
            stack, id, props=BlueGreenServiceProps(name="api", service=ServiceProps(image="nginx:1.27"))
        )
    if kind == "a service and a network":
        return Network(stack, id, name="net", props=NetworkProps())
    second = EcsBlueGreen(stack, "api", props=BlueGreenServiceProps(name="api", service=ServiceProps(image="nginx:1")))
    if kind == "outputs of two services":
        service_outputs(first, prefix=id)
        return service_outputs(second, prefix=id)
    TerraformOutput(stack, f"{id}service_name", value="mine")  # the user's own output
    return service_outputs(second, prefix=id)


@pytest.mark.parametrize(
    "kind",
    ["two stacks", "two services", "a service and a network", "outputs of two services", "an output of the user's"],
)
def test_a_taken_id_is_refused_where_it_is_given_with_the_fix(kind):
    """What no other test proves: an id its scope holds already is refused by our construct (or by
    service_outputs) with the id, what holds it and the fix, never the constructs library's
    RuntimeError; for ids the constructs library stores changed ('/' becomes '--') too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    output = kind.startswith(("outputs", "an output"))
    ids = (
        st.sampled_from(["", "api_", "x_"]) if output else st.sampled_from(["web", "blue-green", "a/b", "Web 2", "x"])
    )

    @settings(max_examples=3, derandomize=True, deadline=None)
    @given(ids)
    def check(id):
        with pytest.raises(SettingsError) as raised:
            _collide(kind, id)
        error = raised.value
        assert error.field == "id" and "already" in error.fix, str(error)
        if output:
            assert ("another prefix" if id else "prefix='api_'") in error.fix, str(error)

    check()
