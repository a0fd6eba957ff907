from ..sandbox.fixtures import sandbox_image  # noqa: F401 - fixture
