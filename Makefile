# vroom: a thin driver over Meson/Ninja. `make demo` and `make test` do their own set-up.
BUILD     ?= build
SAN_BUILD ?= build-san
FUZZ_BUILD ?= build-fuzz
BENCH     ?= all
PYTEST    ?= /usr/bin/python3 -m pytest

# Every Debian package the project needs; nothing else is fetched.
PACKAGES = build-essential meson ninja-build pkg-config clang libclang-rt-14-dev \
	libyaml-dev libjansson-dev libcmocka-dev liburcu-dev libmnl-dev libev-dev \
	zlib1g-dev libssl-dev libdpdk-dev \
	iproute2 iputils-ping procps ethtool openssl bird2 frr openbgpd tshark \
	python3-pytest python3-scapy python3-cryptography valgrind

.PHONY: all setup build san test unit system demo bench fuzz format clean

all: build

setup:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "setup: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p /run/openbgpd

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(SAN_BUILD)/build.ninja:
	CC=clang meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false -Dfuzz=true -Dc_args=-fsanitize=fuzzer-no-link

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

san: $(SAN_BUILD)/build.ninja
	ninja -C $(SAN_BUILD)

# All tests: unit tests (plain and ASan+UBSan builds) and system tests. The sanitizer
# build is also coverage-instrumented (fuzzer-no-link) and runs every fuzz harness briefly.
# The last line is exactly "N passed, N failed".
test: setup build san
	tools/run-tests --build $(BUILD) --san-build $(SAN_BUILD)

unit: build
	tools/run-tests --build $(BUILD) --no-system

system: build
	tools/run-tests --build $(BUILD) --no-unit

demo: setup build
	tools/demo --build $(BUILD)

bench: setup build
	bench/run --build $(BUILD) $(BENCH)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dtests=false -Dbench=false -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link

fuzz: setup $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	tools/run-fuzz --build $(FUZZ_BUILD)

format:
	find src tests bench -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
