#ifndef PROJECT_CYAML_SHIM_H
#define PROJECT_CYAML_SHIM_H
#include <yaml.h>
#endif
