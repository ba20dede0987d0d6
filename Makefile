# provisio: the two commands that set up everything on a fresh Debian machine.
#   make demo    install what is missing, build, run the main job end to end
#   make check   install what is missing, build, run every test (normal build,
#                ASan+UBSan build, and each libFuzzer harness for a short run)
#   make bench   the benchmarks in bench/
#   make deb     the Debian packages, in build-deb/
#   make install the programs, man pages, headers and libraries (DESTDIR=...)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DEB_BUILD  ?= build-deb
JOBS       ?= $(shell nproc)
CTEST      = ctest --output-on-failure -j$(JOBS)

.PHONY: all deps build install deb check check-normal check-asan check-fuzz demo bench clean

all: build

deps:
	./scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

# DESTDIR=... stages the install (packaging); PREFIX is CMake's prefix.
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

# The Debian packages (debian/), built in a copy under $(DEB_BUILD).
deb: deps
	JOBS=$(JOBS) ./scripts/build-deb $(CURDIR)/$(DEB_BUILD)

check: check-normal check-asan check-fuzz

check-normal: build
	$(CTEST) --test-dir $(BUILD)

check-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPROVISIO_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(CTEST) --test-dir $(ASAN_BUILD) -LE nosan

check-fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DPROVISIO_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	$(CTEST) --test-dir $(FUZZ_BUILD) -R '^fuzz_'

demo: build
	./scripts/demo $(BUILD)

bench: build
	./bench/run $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
