// tests: the one doctest binary's entry point; every tests/test_*.cpp registers its cases here.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
