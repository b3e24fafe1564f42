#include "GuiLauncher.h"
