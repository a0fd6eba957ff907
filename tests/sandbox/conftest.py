from .fixtures import docker_pool, sandbox_image  # noqa: F401 - fixtures
