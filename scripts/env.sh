# Environment shared by the run and test scripts (source it). Headless, CPU, loopback DDS.
export MUJOCO_GL="${MUJOCO_GL:-osmesa}"           # offscreen rendering without a display (Debian libosmesa6)
export PYOPENGL_PLATFORM="${PYOPENGL_PLATFORM:-osmesa}"
export RMW_IMPLEMENTATION="${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}"  # the ROS 2 pip wheels ship Fast DDS
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1    # never download weights at run time
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export PYTHONUNBUFFERED=1
