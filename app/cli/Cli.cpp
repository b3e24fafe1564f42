#include "Cli.h"
