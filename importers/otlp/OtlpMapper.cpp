#include "OtlpMapper.h"
